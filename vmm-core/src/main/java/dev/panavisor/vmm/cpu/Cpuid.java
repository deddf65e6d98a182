package dev.panavisor.vmm.cpu;

import dev.panavisor.kvm.sys.kvm_cpuid2;
import dev.panavisor.kvm.sys.kvm_cpuid_entry2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A CPUID table: what KVM_GET_SUPPORTED_CPUID reported, edited, and handed back as KVM_SET_CPUID2 wants it. */
public final class Cpuid {
    private final List<CpuidEntry> entries;

    public Cpuid(List<CpuidEntry> entries) {
        this.entries = new ArrayList<>(entries);
    }

    /** Reads a kvm_cpuid2 with its entries. */
    public static Cpuid fromKvm(MemorySegment cpuid2) {
        int n = kvm_cpuid2.nent(cpuid2);
        List<CpuidEntry> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            MemorySegment e = entry(cpuid2, i);
            list.add(new CpuidEntry(kvm_cpuid_entry2.function(e), kvm_cpuid_entry2.index(e), kvm_cpuid_entry2.flags(e),
                    kvm_cpuid_entry2.eax(e), kvm_cpuid_entry2.ebx(e), kvm_cpuid_entry2.ecx(e), kvm_cpuid_entry2.edx(e)));
        }
        return new Cpuid(list);
    }

    private static MemorySegment entry(MemorySegment cpuid2, int i) {
        return cpuid2.asSlice(kvm_cpuid2.sizeof() + i * kvm_cpuid_entry2.sizeof(), kvm_cpuid_entry2.sizeof());
    }

    /** A kvm_cpuid2 holding these entries, allocated in {@code arena}. */
    public MemorySegment toKvm(Arena arena) {
        MemorySegment s = arena.allocate(kvm_cpuid2.sizeof() + entries.size() * kvm_cpuid_entry2.sizeof(), 8);
        kvm_cpuid2.nent(s, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            CpuidEntry c = entries.get(i);
            MemorySegment e = entry(s, i);
            kvm_cpuid_entry2.function(e, c.function());
            kvm_cpuid_entry2.index(e, c.index());
            kvm_cpuid_entry2.flags(e, c.flags());
            kvm_cpuid_entry2.eax(e, c.eax());
            kvm_cpuid_entry2.ebx(e, c.ebx());
            kvm_cpuid_entry2.ecx(e, c.ecx());
            kvm_cpuid_entry2.edx(e, c.edx());
        }
        return s;
    }

    public List<CpuidEntry> entries() { return entries; }

    public Optional<CpuidEntry> find(int function, int index) {
        for (CpuidEntry e : entries) if (e.matches(function, index)) return Optional.of(e);
        return Optional.empty();
    }

    public Optional<CpuidEntry> find(int function) { return find(function, 0); }

    public void removeLeaf(int function) {
        entries.removeIf(e -> e.function() == function);
    }

    public void add(CpuidEntry e) { entries.add(e); }

    /** The highest basic leaf (CPUID.0:EAX). */
    public int maxBasicLeaf() { return find(0).map(CpuidEntry::eax).orElse(0); }

    /** The deep copy each vCPU edits. */
    public Cpuid copy() {
        List<CpuidEntry> c = new ArrayList<>(entries.size());
        for (CpuidEntry e : entries) c.add(new CpuidEntry(e.function(), e.index(), e.flags(), e.eax(), e.ebx(), e.ecx(), e.edx()));
        return new Cpuid(c);
    }

    /** "GenuineIntel", "AuthenticAMD"... from leaf 0. */
    public String vendor() {
        return find(0).map(e -> ascii(e.ebx()) + ascii(e.edx()) + ascii(e.ecx())).orElse("");
    }

    static String ascii(int reg) {
        StringBuilder b = new StringBuilder(4);
        for (int i = 0; i < 4; i++) b.append((char) ((reg >>> (8 * i)) & 0xFF));
        return b.toString();
    }
}
