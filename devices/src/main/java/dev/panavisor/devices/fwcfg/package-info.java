/**
 * QEMU's firmware configuration interface (fw-cfg, docs/specs/fw_cfg.rst in QEMU) on the x86
 * I/O ports, so that unmodified SeaBIOS and OVMF find their configuration: the device with its
 * DMA engine ({@link dev.panavisor.devices.fwcfg.FwCfgDevice}), the builder machines use to
 * fill it ({@link dev.panavisor.devices.fwcfg.FwCfgBuilder}), files the host and guest can change
 * at run time ({@link dev.panavisor.devices.fwcfg.MutableFwCfgFile}), and the content helpers
 * ({@link dev.panavisor.devices.fwcfg.E820Table}, {@link dev.panavisor.devices.fwcfg.X86LinuxBoot},
 * {@link dev.panavisor.devices.fwcfg.FwCfgFileOption}).
 */
package dev.panavisor.devices.fwcfg;
