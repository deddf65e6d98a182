package dev.panavisor.confidential.kvm;

import dev.panavisor.kvm.IoctlTarget;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.pv_kvm_tdx_cmd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Issues TDX commands through KVM_MEMORY_ENCRYPT_OP on a VM or vCPU fd: a {@code kvm_tdx_cmd}
 * with the command id, flags, and data (a pointer or an immediate); on failure KVM may leave the
 * TDX module's SEAMCALL status in {@code hw_error} (intel-tdx.rst, "KVM_MEMORY_ENCRYPT_OP").
 */
final class TdxCommands {
    private TdxCommands() {}

    /** Issues the command; returns 0 or {@code -errno}, with hw_error in {@code hwError[0]}. */
    static int tryIssue(IoctlTarget target, int id, int flags, long data, long[] hwError) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cmd = pv_kvm_tdx_cmd.allocate(a);
            pv_kvm_tdx_cmd.id(cmd, id);
            pv_kvm_tdx_cmd.flags(cmd, flags);
            pv_kvm_tdx_cmd.data(cmd, data);
            pv_kvm_tdx_cmd.hw_error(cmd, 0);
            int r = target.ioctl(KvmUapi.KVM_MEMORY_ENCRYPT_OP(), cmd);
            hwError[0] = pv_kvm_tdx_cmd.hw_error(cmd);
            return Math.min(r, 0);
        }
    }

    static void issue(IoctlTarget target, int id, int flags, long data, String name, String detail) {
        long[] hw = new long[1];
        int r = tryIssue(target, id, flags, data, hw);
        if (r < 0) throw failure(name, detail, -r, hw[0]);
    }

    static LaunchCommandException failure(String name, String detail, int errno, long hwError) {
        String fw = hwError == 0 ? "" : "TDX module status 0x" + Long.toHexString(hwError);
        return new LaunchCommandException(name, detail, errno, hwError, fw);
    }
}
