/**
 * Guest-driven firmware replacement ("vmfwupdate"): a guest stages its own firmware image in RAM,
 * tells the host where it is through fw-cfg, and resets; the machine then installs that image
 * instead of the host's firmware. One engine ({@link dev.panavisor.devices.vmfwupdate.FirmwareUpdateEngine})
 * holds the state and validates every request; two front ends expose it the ways guests expect:
 * QEMU's {@code etc/vmlaunchupdate} ({@link dev.panavisor.devices.vmfwupdate.VmLaunchUpdateFile})
 * and the v6 proposal's {@code etc/vmfwupdate/*} files ({@link dev.panavisor.devices.vmfwupdate.VmFwUpdateFiles}).
 * Parsing IGVM is the machine's business, plugged in as a
 * {@link dev.panavisor.devices.vmfwupdate.StagedImageInspector}. See docs/vmfwupdate.md.
 */
package dev.panavisor.devices.vmfwupdate;
