package dev.panavisor.vmm.vcpu.fallback;

/**
 * An architectural fault the emulated instruction raises (SDM vol. 3, 6.15): the VMM injects
 * it with RIP still on the faulting instruction, and the instruction has no other effect.
 */
public final class GuestFault extends Exception {
    private static final long serialVersionUID = 1L;
    public static final int DE = 0, DB = 1, BP = 3, UD = 6, NM = 7, GP = 13, SS = 12, PF = 14, MF = 16, AC = 17;
    public static final int NO_ERROR_CODE = -1;

    private final int vector;
    private final int errorCode;
    private final long faultAddress;

    private GuestFault(int vector, int errorCode, long faultAddress, String why) {
        super(why, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.faultAddress = faultAddress;
    }

    public static GuestFault undefinedOpcode(String why) { return new GuestFault(UD, NO_ERROR_CODE, 0, why); }
    public static GuestFault deviceNotAvailable(String why) { return new GuestFault(NM, NO_ERROR_CODE, 0, why); }
    public static GuestFault generalProtection(int errorCode, String why) { return new GuestFault(GP, errorCode, 0, why); }
    public static GuestFault stackFault(String why) { return new GuestFault(SS, 0, 0, why); }
    public static GuestFault x87FloatingPoint(String why) { return new GuestFault(MF, NO_ERROR_CODE, 0, why); }
    public static GuestFault pageFault(long linear, int errorCode) {
        return new GuestFault(PF, errorCode, linear, String.format("page fault at 0x%x (error code 0x%x)", linear, errorCode));
    }

    public int vector() { return vector; }
    public int errorCode() { return errorCode; }
    /** CR2 for a #PF. */
    public long faultAddress() { return faultAddress; }

    public static String vectorName(int vector) {
        return switch (vector) {
            case DE -> "#DE"; case DB -> "#DB"; case BP -> "#BP"; case UD -> "#UD"; case NM -> "#NM";
            case SS -> "#SS"; case GP -> "#GP"; case PF -> "#PF"; case MF -> "#MF"; case AC -> "#AC";
            default -> "vector " + vector;
        };
    }
}
