package dev.panavisor.confidential.kvm;

import dev.panavisor.kvm.Errno;
import dev.panavisor.kvm.IoctlTarget;
import dev.panavisor.kvm.sys.KvmUapi;
import dev.panavisor.kvm.sys.kvm_sev_cmd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Issues SEV commands through KVM_MEMORY_ENCRYPT_OP on a VM: a {@code kvm_sev_cmd} with the
 * command id, a pointer to the command's struct, and the /dev/sev fd; on failure KVM leaves the
 * firmware's status in {@code error} (amd-memory-encryption.rst, "KVM_MEMORY_ENCRYPT_OP").
 */
final class SevCommands {
    private final IoctlTarget vm;
    private final int sevFd;

    SevCommands(IoctlTarget vm, int sevFd) {
        this.vm = vm;
        this.sevFd = sevFd;
    }

    /** Issues command {@code id} on {@code data}; returns 0, or {@code -errno} with the firmware status in {@code status[0]}. */
    int tryIssue(int id, MemorySegment data, int[] status) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cmd = kvm_sev_cmd.allocate(a);
            kvm_sev_cmd.id(cmd, id);
            kvm_sev_cmd.data(cmd, data.address());
            kvm_sev_cmd.error(cmd, 0);
            kvm_sev_cmd.sev_fd(cmd, sevFd);
            int r = vm.ioctl(KvmUapi.KVM_MEMORY_ENCRYPT_OP(), cmd);
            status[0] = kvm_sev_cmd.error(cmd);
            return Math.min(r, 0);
        }
    }

    /** Issues command {@code id}; a failure is a {@link LaunchCommandException} naming it. */
    void issue(int id, String name, String detail, MemorySegment data) {
        int[] status = new int[1];
        int r = tryIssue(id, data, status);
        if (r < 0) throw failure(name, detail, -r, status[0], "");
    }

    static LaunchCommandException failure(String name, String detail, int errno, int firmwareStatus, String hint) {
        String fw = firmwareStatus == 0 ? "" : "SEV firmware status " + SevFirmwareStatus.describe(firmwareStatus) + hint;
        return new LaunchCommandException(name, detail, errno, Integer.toUnsignedLong(firmwareStatus), fw);
    }

    static boolean retryable(int errno) {
        return errno == Errno.EAGAIN || errno == Errno.EINTR;
    }
}
