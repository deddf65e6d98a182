/** Helpers shared by the measurement engines; not exported from the module. */
package dev.panavisor.confidential.internal;
