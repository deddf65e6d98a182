package dev.panavisor.kvm;

import dev.panavisor.kvm.sys.kvm_debug_exit_arch;
import dev.panavisor.kvm.sys.kvm_run;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A typed view of a vCPU's mmap'd {@code struct kvm_run}. Offsets are read once from
 * the generated layout; accessors are plain memory reads so the exit path stays
 * allocation-free. Only the vCPU's own thread reads exits; {@link #requestImmediateExit()}
 * is the one write other threads make.
 */
public final class KvmRun {
    public static final int EXIT_UNKNOWN = 0, EXIT_EXCEPTION = 1, EXIT_IO = 2, EXIT_HYPERCALL = 3,
            EXIT_DEBUG = 4, EXIT_HLT = 5, EXIT_MMIO = 6, EXIT_IRQ_WINDOW_OPEN = 7, EXIT_SHUTDOWN = 8,
            EXIT_FAIL_ENTRY = 9, EXIT_INTR = 10, EXIT_SET_TPR = 11, EXIT_TPR_ACCESS = 12, EXIT_NMI = 16,
            EXIT_INTERNAL_ERROR = 17, EXIT_SYSTEM_EVENT = 24, EXIT_IOAPIC_EOI = 26, EXIT_X86_RDMSR = 29,
            EXIT_X86_WRMSR = 30, EXIT_X86_BUS_LOCK = 33, EXIT_NOTIFY = 37, EXIT_MEMORY_FAULT = 39;
    public static final int IO_IN = 0, IO_OUT = 1;
    public static final int SYSTEM_EVENT_SHUTDOWN = 1, SYSTEM_EVENT_RESET = 2, SYSTEM_EVENT_CRASH = 3;
    public static final int INTERNAL_ERROR_EMULATION = 1;
    public static final long EMULATION_FLAG_INSTRUCTION_BYTES = 1;

    static final long IMMEDIATE_EXIT = kvm_run.immediate_exit$offset();
    static final long EXIT_REASON = kvm_run.exit_reason$offset();
    static final long IF_FLAG = kvm_run.if_flag$offset();
    static final long READY_FOR_INJECTION = kvm_run.ready_for_interrupt_injection$offset();
    static final long REQUEST_IRQ_WINDOW = kvm_run.request_interrupt_window$offset();
    static final long UNION = kvm_run.io$offset();
    static final long IO_DIRECTION = UNION + kvm_run.io.direction$offset();
    static final long IO_SIZE = UNION + kvm_run.io.size$offset();
    static final long IO_PORT = UNION + kvm_run.io.port$offset();
    static final long IO_COUNT = UNION + kvm_run.io.count$offset();
    static final long IO_DATA_OFFSET = UNION + kvm_run.io.data_offset$offset();
    static final long MMIO_PHYS = kvm_run.mmio$offset() + kvm_run.mmio.phys_addr$offset();
    static final long MMIO_DATA = kvm_run.mmio$offset() + kvm_run.mmio.data$offset();
    static final long MMIO_LEN = kvm_run.mmio$offset() + kvm_run.mmio.len$offset();
    static final long MMIO_IS_WRITE = kvm_run.mmio$offset() + kvm_run.mmio.is_write$offset();
    static final long SYSTEM_EVENT_TYPE = kvm_run.system_event$offset() + kvm_run.system_event.type$offset();
    static final long INTERNAL_SUBERROR = kvm_run.internal$offset() + kvm_run.internal.suberror$offset();
    static final long INTERNAL_NDATA = kvm_run.internal$offset() + kvm_run.internal.ndata$offset();
    static final long INTERNAL_DATA = kvm_run.internal$offset() + kvm_run.internal.data$offset();
    static final long EMULATION_FLAGS = kvm_run.emulation_failure$offset() + kvm_run.emulation_failure.flags$offset();
    static final long FAIL_ENTRY_REASON = kvm_run.fail_entry$offset() + kvm_run.fail_entry.hardware_entry_failure_reason$offset();
    static final long HW_EXIT_REASON = kvm_run.hw$offset() + kvm_run.hw.hardware_exit_reason$offset();
    static final long EX_EXCEPTION = kvm_run.ex$offset() + kvm_run.ex.exception$offset();
    static final long EX_ERROR_CODE = kvm_run.ex$offset() + kvm_run.ex.error_code$offset();

    private static final VarHandle BYTE = JAVA_BYTE.varHandle();

    private final MemorySegment run;

    KvmRun(MemorySegment run) {
        this.run = run;
    }

    /** The raw page, for code that needs a field this view does not name. */
    public MemorySegment segment() { return run; }

    public int exitReason() { return run.get(JAVA_INT, EXIT_REASON); }

    /** Makes the next (or current) KVM_RUN return EINTR at once; safe from any thread. */
    public void requestImmediateExit() { BYTE.setRelease(run, IMMEDIATE_EXIT, (byte) 1); }

    public void clearImmediateExit() { BYTE.setRelease(run, IMMEDIATE_EXIT, (byte) 0); }

    public boolean immediateExitRequested() { return (byte) BYTE.getAcquire(run, IMMEDIATE_EXIT) != 0; }

    public boolean interruptsEnabled() { return run.get(JAVA_BYTE, IF_FLAG) != 0; }

    public boolean readyForInterruptInjection() { return run.get(JAVA_BYTE, READY_FOR_INJECTION) != 0; }

    public void requestInterruptWindow(boolean on) { run.set(JAVA_BYTE, REQUEST_IRQ_WINDOW, (byte) (on ? 1 : 0)); }

    // KVM_EXIT_IO
    public int ioDirection() { return run.get(JAVA_BYTE, IO_DIRECTION); }
    public int ioSize() { return run.get(JAVA_BYTE, IO_SIZE); }
    public int ioPort() { return Short.toUnsignedInt(run.get(JAVA_SHORT, IO_PORT)); }
    public int ioCount() { return run.get(JAVA_INT, IO_COUNT); }
    public long ioDataOffset() { return run.get(JAVA_LONG, IO_DATA_OFFSET); }

    // KVM_EXIT_MMIO
    public long mmioPhysAddr() { return run.get(JAVA_LONG, MMIO_PHYS); }
    public int mmioLength() { return run.get(JAVA_INT, MMIO_LEN); }
    public boolean mmioIsWrite() { return run.get(JAVA_BYTE, MMIO_IS_WRITE) != 0; }
    public long mmioDataOffset() { return MMIO_DATA; }

    // KVM_EXIT_SYSTEM_EVENT
    public int systemEventType() { return run.get(JAVA_INT, SYSTEM_EVENT_TYPE); }

    // KVM_EXIT_INTERNAL_ERROR
    public int internalSuberror() { return run.get(JAVA_INT, INTERNAL_SUBERROR); }
    public int internalDataCount() { return run.get(JAVA_INT, INTERNAL_NDATA); }
    public long internalData(int i) { return run.get(JAVA_LONG, INTERNAL_DATA + 8L * i); }
    public long emulationFailureFlags() { return run.get(JAVA_LONG, EMULATION_FLAGS); }

    /** The instruction bytes of an emulation failure, when KVM supplied them (else empty). */
    public byte[] emulationFailureInstruction() {
        if (internalSuberror() != INTERNAL_ERROR_EMULATION || internalDataCount() < 2
                || (emulationFailureFlags() & EMULATION_FLAG_INSTRUCTION_BYTES) == 0) {
            return new byte[0];
        }
        long base = kvm_run.emulation_failure$offset() + kvm_run.emulation_failure.insn_size$offset();
        int n = Math.min(15, Byte.toUnsignedInt(run.get(JAVA_BYTE, base)));
        return run.asSlice(base + 1, n).toArray(JAVA_BYTE);
    }

    // KVM_EXIT_FAIL_ENTRY / KVM_EXIT_UNKNOWN / KVM_EXIT_EXCEPTION
    public long failEntryReason() { return run.get(JAVA_LONG, FAIL_ENTRY_REASON); }
    public long hardwareExitReason() { return run.get(JAVA_LONG, HW_EXIT_REASON); }
    public int exceptionVector() { return run.get(JAVA_INT, EX_EXCEPTION); }
    public int exceptionErrorCode() { return run.get(JAVA_INT, EX_ERROR_CODE); }

    // KVM_EXIT_X86_WRMSR / KVM_EXIT_X86_RDMSR (offsets in a holder: few VMs ever see these exits)
    public int msrIndex() { return run.get(JAVA_INT, MsrExit.INDEX); }
    public long msrData() { return run.get(JAVA_LONG, MsrExit.DATA); }
    /** Completes the exit: 0 carried out, 1 makes KVM inject #GP. */
    public void setMsrError(int error) { run.set(JAVA_BYTE, MsrExit.ERROR, (byte) error); }

    // KVM_EXIT_DEBUG
    public long debugPc() { return run.get(JAVA_LONG, DebugExit.PC); }
    public long debugDr6() { return run.get(JAVA_LONG, DebugExit.DR6); }
    public int debugException() { return run.get(JAVA_INT, DebugExit.EXCEPTION); }

    private static final class MsrExit {
        static final long BASE = kvm_run.msr$offset();
        static final long ERROR = BASE + kvm_run.msr.error$offset();
        static final long INDEX = BASE + kvm_run.msr.index$offset();
        static final long DATA = BASE + kvm_run.msr.data$offset();
    }

    private static final class DebugExit {
        static final long ARCH = kvm_run.debug$offset() + kvm_run.debug.arch$offset();
        static final long EXCEPTION = ARCH + kvm_debug_exit_arch.exception$offset();
        static final long PC = ARCH + kvm_debug_exit_arch.pc$offset();
        static final long DR6 = ARCH + kvm_debug_exit_arch.dr6$offset();
    }

    public static String exitName(int reason) {
        return switch (reason) {
            case EXIT_UNKNOWN -> "UNKNOWN"; case EXIT_EXCEPTION -> "EXCEPTION"; case EXIT_IO -> "IO";
            case EXIT_HYPERCALL -> "HYPERCALL"; case EXIT_DEBUG -> "DEBUG"; case EXIT_HLT -> "HLT";
            case EXIT_MMIO -> "MMIO"; case EXIT_IRQ_WINDOW_OPEN -> "IRQ_WINDOW_OPEN"; case EXIT_SHUTDOWN -> "SHUTDOWN";
            case EXIT_FAIL_ENTRY -> "FAIL_ENTRY"; case EXIT_INTR -> "INTR"; case EXIT_NMI -> "NMI";
            case EXIT_INTERNAL_ERROR -> "INTERNAL_ERROR"; case EXIT_SYSTEM_EVENT -> "SYSTEM_EVENT";
            case EXIT_IOAPIC_EOI -> "IOAPIC_EOI"; case EXIT_X86_RDMSR -> "X86_RDMSR"; case EXIT_X86_WRMSR -> "X86_WRMSR";
            case EXIT_X86_BUS_LOCK -> "X86_BUS_LOCK"; case EXIT_NOTIFY -> "NOTIFY"; case EXIT_MEMORY_FAULT -> "MEMORY_FAULT";
            default -> "exit " + reason;
        };
    }
}
