package dev.panavisor.vmm.vcpu;

import dev.panavisor.kvm.VcpuFd;
import dev.panavisor.kvm.sys.kvm_dtable;
import dev.panavisor.kvm.sys.kvm_regs;
import dev.panavisor.kvm.sys.kvm_segment;
import dev.panavisor.kvm.sys.kvm_sregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Readable vCPU register dumps for crash reports (slow path; allocates freely). */
public final class VcpuState {
    private VcpuState() {}

    public static String dump(VcpuFd fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = kvm_regs.allocate(a);
            MemorySegment s = kvm_sregs.allocate(a);
            fd.getRegs(r);
            fd.getSregs(s);
            StringBuilder b = new StringBuilder();
            b.append(String.format("vCPU %d registers:%n", fd.id()));
            b.append(String.format("  rip=%016x rflags=%016x%n", kvm_regs.rip(r), kvm_regs.rflags(r)));
            b.append(String.format("  rax=%016x rbx=%016x rcx=%016x rdx=%016x%n", kvm_regs.rax(r), kvm_regs.rbx(r), kvm_regs.rcx(r), kvm_regs.rdx(r)));
            b.append(String.format("  rsi=%016x rdi=%016x rsp=%016x rbp=%016x%n", kvm_regs.rsi(r), kvm_regs.rdi(r), kvm_regs.rsp(r), kvm_regs.rbp(r)));
            b.append(String.format("  r8 =%016x r9 =%016x r10=%016x r11=%016x%n", kvm_regs.r8(r), kvm_regs.r9(r), kvm_regs.r10(r), kvm_regs.r11(r)));
            b.append(String.format("  r12=%016x r13=%016x r14=%016x r15=%016x%n", kvm_regs.r12(r), kvm_regs.r13(r), kvm_regs.r14(r), kvm_regs.r15(r)));
            b.append(String.format("  cr0=%016x cr2=%016x cr3=%016x cr4=%016x efer=%x%n",
                    kvm_sregs.cr0(s), kvm_sregs.cr2(s), kvm_sregs.cr3(s), kvm_sregs.cr4(s), kvm_sregs.efer(s)));
            segment(b, "cs", kvm_sregs.cs(s));
            segment(b, "ss", kvm_sregs.ss(s));
            segment(b, "ds", kvm_sregs.ds(s));
            MemorySegment gdt = kvm_sregs.gdt(s), idt = kvm_sregs.idt(s);
            b.append(String.format("  gdt=%x/%x idt=%x/%x%n", kvm_dtable.base(gdt), kvm_dtable.limit(gdt), kvm_dtable.base(idt), kvm_dtable.limit(idt)));
            return b.toString();
        } catch (RuntimeException e) {
            return "vCPU " + fd.id() + " registers unavailable: " + e.getMessage();
        }
    }

    private static void segment(StringBuilder b, String name, MemorySegment seg) {
        b.append(String.format("  %s=%04x base=%x limit=%x type=%x l=%d db=%d%n", name,
                kvm_segment.selector(seg), kvm_segment.base(seg), kvm_segment.limit(seg),
                kvm_segment.type(seg), kvm_segment.l(seg), kvm_segment.db(seg)));
    }
}
