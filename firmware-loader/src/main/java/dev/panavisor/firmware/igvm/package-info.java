/**
 * The IGVM (Independent Guest Virtual Machine) file format: reading, validating, writing and building
 * IGVM images, following the reference definitions in Microsoft's {@code igvm_defs} crate.
 *
 * <p>An IGVM file is a fixed header, a list of variable headers (type/length/value records grouped
 * into platform, initialization and directive sections) and an unstructured file-data area that the
 * headers point into. {@link dev.panavisor.firmware.igvm.IgvmReader} turns bytes into an
 * {@link dev.panavisor.firmware.igvm.IgvmFile} after checking every structural and semantic rule,
 * reporting the first violation as an {@link dev.panavisor.firmware.igvm.IgvmFormatException}.
 * Headers are modelled as records of the sealed {@link dev.panavisor.firmware.igvm.IgvmHeader}
 * hierarchy that keep the on-disk fields (including file offsets), so
 * {@link dev.panavisor.firmware.igvm.IgvmWriter} reproduces an accepted file byte for byte.
 * {@link dev.panavisor.firmware.igvm.IgvmBuilder} lays out new files from content instead of
 * offsets, and {@link dev.panavisor.firmware.igvm.IgvmDescriber} renders a file for humans.
 *
 * <p>Everything on disk is little-endian. Page contents are exposed as slices of the source segment,
 * so a mapped file is never copied; if the source is memory that someone else can still write (a
 * running guest's RAM), copy it first, because validation only holds for the bytes seen.
 */
package dev.panavisor.firmware.igvm;
