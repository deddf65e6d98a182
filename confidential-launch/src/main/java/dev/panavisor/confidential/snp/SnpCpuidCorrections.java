package dev.panavisor.confidential.snp;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * What the PSP changed in a CPUID page it refused. When SNP_LAUNCH_UPDATE rejects a CPUID page,
 * the firmware writes the values it would accept over the offending entries and KVM copies that
 * page back to the caller's source buffer (amd-memory-encryption.rst, KVM_SEV_SNP_LAUNCH_UPDATE);
 * this compares the page as submitted with the page as returned, function by function, and names
 * each register that differs with the bits the PSP set and cleared.
 */
public final class SnpCpuidCorrections {
    private SnpCpuidCorrections() {}

    /** One line per difference; empty if the returned page is the submitted one. */
    public static List<String> between(MemorySegment submitted, MemorySegment returned) {
        List<String> out = new ArrayList<>();
        long submittedCount = SnpCpuidPage.count(submitted);
        long returnedCount = SnpCpuidPage.count(returned);
        if (submittedCount != returnedCount) {
            out.add("COUNT " + submittedCount + " -> " + returnedCount);
        }
        List<SnpCpuidPage.Function> ours = SnpCpuidPage.decode(submitted);
        List<SnpCpuidPage.Function> psp = SnpCpuidPage.decode(returned);
        for (int i = 0; i < Math.max(ours.size(), psp.size()); i++) {
            if (i >= ours.size()) {
                out.add("function " + i + ": added by the PSP as " + psp.get(i).leaf());
                continue;
            }
            if (i >= psp.size()) {
                out.add("function " + i + " (" + ours.get(i).leaf() + "): dropped by the PSP");
                continue;
            }
            compare(i, ours.get(i), psp.get(i), out);
        }
        return out;
    }

    private static void compare(int i, SnpCpuidPage.Function a, SnpCpuidPage.Function b, List<String> out) {
        String where = "CPUID " + a.leaf() + (a.eaxIn() == b.eaxIn() && a.ecxIn() == b.ecxIn() ? "" : " (PSP: " + b.leaf() + ")");
        if (a.xcr0In() != b.xcr0In()) out.add(where + " XCR0_IN 0x" + Long.toHexString(a.xcr0In()) + " -> 0x" + Long.toHexString(b.xcr0In()));
        if (a.xssIn() != b.xssIn()) out.add(where + " XSS_IN 0x" + Long.toHexString(a.xssIn()) + " -> 0x" + Long.toHexString(b.xssIn()));
        register(where, "EAX", a.eax(), b.eax(), out);
        register(where, "EBX", a.ebx(), b.ebx(), out);
        register(where, "ECX", a.ecx(), b.ecx(), out);
        register(where, "EDX", a.edx(), b.edx(), out);
    }

    private static void register(String where, String name, int ours, int psp, List<String> out) {
        if (ours == psp) return;
        int set = psp & ~ours;
        int cleared = ours & ~psp;
        out.add(String.format("%s %s 0x%08x -> 0x%08x (%s)", where, name, ours, psp,
                (set != 0 ? String.format("set 0x%x", set) : "") + (set != 0 && cleared != 0 ? ", " : "")
                        + (cleared != 0 ? String.format("cleared 0x%x", cleared) : "")));
    }
}
