/** Initial vCPU state for the boot paths the VMM supports. */
package dev.panavisor.vmm.boot;
