package dev.panavisor.firmware.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * An uncompressed ELF64 vmlinux with a Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY), as
 * described in the Xen PVH ABI (docs/misc/pvh.pandoc) and implemented by Linux with
 * CONFIG_PVH: the loader copies the PT_LOAD segments to their physical addresses and enters
 * the 32-bit physical entry point in flat protected mode with EBX pointing at hvm_start_info.
 */
public final class PvhElfKernel implements KernelImage {
    public static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;
    static final int EM_X86_64 = 62;
    private static final int PHDR_SIZE = 56;
    /** Linux keeps its physical image well below this; anything beyond is a corrupt header. */
    private static final long MAX_PHYSICAL = 1L << 46;

    private final MemorySegment file;
    private final List<LoadSegment> segments;
    private final long entry;

    private PvhElfKernel(MemorySegment file, List<LoadSegment> segments, long entry) {
        this.file = file;
        this.segments = segments;
        this.entry = entry;
    }

    public static PvhElfKernel parse(byte[] file) {
        return parse(MemorySegment.ofArray(file));
    }

    /**
     * Parses an ELF held in {@code file}, which may be a read-only mapping of the file: only the
     * ELF header, program headers and notes are read here. The segment must stay valid while this
     * object is used.
     */
    public static PvhElfKernel parse(MemorySegment file) {
        ImageBytes b = new ImageBytes(file, "ELF file");
        b.require("e_ident", 0, 16);
        if (b.u32("e_ident", 0) != 0x464C457FL) {
            throw LinuxImageFormatException.at("e_ident", 0, "lacks the ELF magic 7f 45 4c 46");
        }
        int elfClass = b.u8("e_ident[EI_CLASS]", 4);
        int elfData = b.u8("e_ident[EI_DATA]", 5);
        if (elfClass != 2) throw LinuxImageFormatException.at("e_ident[EI_CLASS]", 4, "is " + elfClass + ", not 2 (ELFCLASS64)");
        if (elfData != 1) throw LinuxImageFormatException.at("e_ident[EI_DATA]", 5, "is " + elfData + ", not 1 (little-endian)");
        int machine = b.u16("e_machine", 0x12);
        if (machine != EM_X86_64) throw LinuxImageFormatException.at("e_machine", 0x12, "is " + machine + ", not 62 (x86-64)");
        long phoff = b.u64("e_phoff", 0x20);
        int phentsize = b.u16("e_phentsize", 0x36);
        int phnum = b.u16("e_phnum", 0x38);
        if (phentsize < PHDR_SIZE) {
            throw LinuxImageFormatException.at("e_phentsize", 0x36, "is " + phentsize + ", smaller than an Elf64_Phdr (56)");
        }
        if (phnum == 0) throw LinuxImageFormatException.at("e_phnum", 0x38, "is 0: no program headers to load");
        if (phoff < 0 || phoff > b.length()) {
            throw LinuxImageFormatException.at("e_phoff", 0x20, String.format("0x%x lies outside the %d-byte file", phoff, b.length()));
        }
        b.require("program header table", phoff, (long) phentsize * phnum);

        List<LoadSegment> loads = new ArrayList<>();
        Long entry = null;
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * phentsize;
            long type = b.u32("p_type", ph);
            long offset = b.u64("p_offset", ph + 8);
            long paddr = b.u64("p_paddr", ph + 24);
            long filesz = b.u64("p_filesz", ph + 32);
            long memsz = b.u64("p_memsz", ph + 40);
            if (type != PT_LOAD && type != PT_NOTE) continue;
            if (offset < 0 || filesz < 0 || offset > b.length() || filesz > b.length() - offset) {
                throw LinuxImageFormatException.at("p_offset/p_filesz of program header " + i, ph + 8,
                        String.format("[0x%x, +0x%x) runs past the end of the %d-byte file", offset, filesz, b.length()));
            }
            if (type == PT_LOAD) {
                if (memsz < 0 || memsz < filesz) {
                    throw LinuxImageFormatException.at("p_memsz of program header " + i, ph + 40,
                            String.format("0x%x is smaller than p_filesz 0x%x", memsz, filesz));
                }
                if (paddr < 0 || paddr >= MAX_PHYSICAL || memsz > MAX_PHYSICAL - paddr) {
                    throw LinuxImageFormatException.at("p_paddr of program header " + i, ph + 24,
                            String.format("[0x%x, +0x%x) is not a plausible physical range", paddr, memsz));
                }
                if (memsz > 0) loads.add(new LoadSegment(offset, paddr, filesz, memsz));
            } else {
                Long e = findPvhEntry(b, offset, filesz);
                if (e != null) entry = e;
            }
        }
        if (loads.isEmpty()) throw new LinuxImageFormatException("ELF file has no PT_LOAD segment with contents");
        if (entry == null) {
            throw new LinuxImageFormatException("ELF file has no Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, type 18): "
                    + "the kernel was built without CONFIG_PVH, so it cannot be booted as an ELF");
        }
        long pvh = entry;
        if (loads.stream().noneMatch(s -> pvh >= s.physicalAddress() && pvh < s.end())) {
            throw new LinuxImageFormatException(String.format("PVH entry point 0x%x lies in no PT_LOAD segment", pvh));
        }
        return new PvhElfKernel(file, List.copyOf(loads), pvh);
    }

    /** Walks the notes in [offset, offset+size) for a "Xen" note of type 18. */
    private static Long findPvhEntry(ImageBytes b, long offset, long size) {
        long at = offset;
        long end = offset + size;
        Long found = null;
        while (end - at >= 12) {
            long namesz = b.u32("n_namesz", at);
            long descsz = b.u32("n_descsz", at + 4);
            long type = b.u32("n_type", at + 8);
            long name = at + 12;
            long desc = name + align4(namesz);
            long next = desc + align4(descsz);
            if (next > end) {
                throw LinuxImageFormatException.at("ELF note", at,
                        String.format("with n_namesz %d and n_descsz %d runs past the end of its PT_NOTE segment", namesz, descsz));
            }
            if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 && isXen(b.data(), name)) {
                if (descsz != 4 && descsz != 8) {
                    throw LinuxImageFormatException.at("XEN_ELFNOTE_PHYS32_ENTRY descriptor", desc,
                            "has " + descsz + " bytes, not 4 or 8");
                }
                long value = descsz == 4 ? b.u32("PVH entry", desc) : b.u64("PVH entry", desc);
                if (value < 0 || value >= 1L << 32) {
                    throw LinuxImageFormatException.at("XEN_ELFNOTE_PHYS32_ENTRY descriptor", desc,
                            String.format("0x%x is not a 32-bit physical address", value));
                }
                found = value;
            }
            at = next;
        }
        return found;
    }

    private static boolean isXen(MemorySegment d, long at) {
        return d.get(ValueLayout.JAVA_BYTE, at) == 'X' && d.get(ValueLayout.JAVA_BYTE, at + 1) == 'e'
                && d.get(ValueLayout.JAVA_BYTE, at + 2) == 'n' && d.get(ValueLayout.JAVA_BYTE, at + 3) == 0;
    }

    private static long align4(long v) {
        return (v + 3) & ~3L;
    }

    /** The 32-bit physical PVH entry point. */
    public long pvhEntry() { return entry; }

    public List<LoadSegment> segments() { return segments; }

    /** File bytes of {@code segment} (its p_filesz bytes). */
    public byte[] contents(LoadSegment segment) {
        return file.asSlice(segment.fileOffset(), segment.fileSize()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The whole file, for copying segment contents without an intermediate array. */
    public MemorySegment file() { return file; }

    /** Lowest and one-past-highest physical address the segments occupy. */
    public long lowestAddress() {
        return segments.stream().mapToLong(LoadSegment::physicalAddress).min().orElseThrow();
    }

    public long highestAddress() {
        return segments.stream().mapToLong(LoadSegment::end).max().orElseThrow();
    }
}
