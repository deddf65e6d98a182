package dev.panavisor.firmware.igvm;

import static dev.panavisor.firmware.igvm.Raw.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A version 1 file using every x64 header type, assembled byte by byte from the igvm_defs struct
 * offsets, together with the records a correct reader must produce for it.
 */
final class HandAssembled {
    static final int NATIVE = 1;
    static final int SNP = 2;
    static final int VSM = 4;
    static final int AREA = 7;

    final byte[] image;
    final List<IgvmHeader> expected = new ArrayList<>();
    final byte[] page = pattern(4096, 11);
    final byte[] vmsa = pattern(4096, 29);
    final byte[] corimDocument = {1, 2, 3, 4, 5};
    final byte[] corimSignature = {6, 7, 8};
    final byte[] snpIdBlock = pattern(696, 3);
    final byte[] vbsMeasurement = pattern(864, 5);
    long dataStart;
    long pageOffset;
    long nativeOffset;
    long vmsaOffset;
    long vbsOffset;

    HandAssembled() {
        long provisional = 24 + sum(headers(0));
        dataStart = provisional;
        List<byte[]> headers = headers(provisional);
        image = v1(headers, fileData());
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * seed + seed);
        }
        return b;
    }

    private static long sum(List<byte[]> tlvs) {
        return tlvs.stream().mapToLong(t -> t.length).sum();
    }

    private byte[] fileData() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(page);
        data.writeBytes(corimDocument);
        data.writeBytes(corimSignature);
        data.writeBytes(nativeContextPage());
        data.writeBytes(vmsa);
        data.writeBytes(vbsContext());
        return data.toByteArray();
    }

    /** IgvmNativeVpContextX64 field offsets: rip 128, rflags 136, idtr 144/152, gdtr 158/160, cs 168.., ds 180.., gs 192, cr 200... */
    static byte[] nativeContextPage() {
        ByteBuffer b = le(4096);
        b.putLong(0, 0x1111); // rax
        b.putLong(32, 0x8000); // rsp
        b.putLong(120, 0xF15); // r15
        b.putLong(128, 0xFFF0); // rip
        b.putLong(136, 0x2); // rflags
        b.putLong(144, 0x7000); // idtr base
        b.putShort(152, (short) 0xFFF); // idtr limit
        b.putShort(158, (short) 0x27); // gdtr limit
        b.putLong(160, 0x6000); // gdtr base
        b.putShort(168, (short) 0x8).putShort(170, (short) 0xA09B).putInt(172, 0).putInt(176, 0xFFFFFFFF);
        b.putShort(180, (short) 0x10).putShort(182, (short) 0xC093).putInt(184, 0).putInt(188, 0xFFFFFFFF);
        b.putLong(192, 0x9000); // gs base
        b.putLong(200, 0x80000033L); // cr0
        b.putLong(208, 0x100000); // cr3
        b.putLong(216, 0x20); // cr4
        b.putLong(224, 0xD00); // efer
        return b.array();
    }

    static NativeX64VpContext expectedNativeContext() {
        return new NativeX64VpContext(0x1111, 0, 0, 0, 0x8000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF15,
                0xFFF0, 0x2, 0x7000, 0xFFF, 0x27, 0x6000, 0x8, 0xA09B, 0, 0xFFFFFFFFL, 0x10, 0xC093, 0, 0xFFFFFFFFL,
                0x9000, 0x80000033L, 0x100000, 0x20, 0xD00);
    }

    /** VbsVpContextHeader then VbsVpContextRegister {vtl u8, name u32 at 1, mbz[11], value[16] at 16}. */
    static byte[] vbsContext() {
        ByteBuffer b = le(4 + 64);
        b.putInt(0, 2);
        b.put(4, (byte) 2).putInt(5, 0x00020000); // VTL2, HvX64RegisterRip-style name
        b.put(4 + 16, pattern(16, 7));
        b.put(36, (byte) 2).putInt(37, 0x00040002);
        b.put(36 + 16, pattern(16, 13));
        return b.array();
    }

    static VbsVpContext expectedVbsContext() {
        return new VbsVpContext(2, List.of(new VbsRegister(0x00020000, ByteBlock.of(pattern(16, 7))),
                new VbsRegister(0x00040002, ByteBlock.of(pattern(16, 13)))));
    }

    private List<byte[]> headers(long start) {
        expected.clear();
        pageOffset = start;
        long corimOffset = pageOffset + page.length;
        long signatureOffset = corimOffset + corimDocument.length;
        nativeOffset = signatureOffset + corimSignature.length;
        vmsaOffset = nativeOffset + 4096;
        vbsOffset = vmsaOffset + 4096;
        List<byte[]> t = new ArrayList<>();
        add(t, 0x1, nativePlatform(NATIVE), new SupportedPlatform(NATIVE, 0, PlatformType.NATIVE, 1, 0));
        add(t, 0x1, supportedPlatform(SNP, 0, 2, 1, 0x80_0000_0000L),
                new SupportedPlatform(SNP, 0, PlatformType.SEV_SNP, 1, 0x80_0000_0000L));
        add(t, 0x1, supportedPlatform(VSM, 2, 1, 1, 0), new SupportedPlatform(VSM, 2, PlatformType.VSM_ISOLATION, 1, 0));
        add(t, 0x101, guestPolicy(0x30000, SNP), new GuestPolicy(0x30000, SNP));
        add(t, 0x102, relocatableRegion(VSM, 0, 2, 0x7, 0x200000, 0x200000, 0x200000, 0x200000, 0x40000000),
                new RelocatableRegion(VSM, 0, 2, true, true, true, 0x200000, 0x200000, 0x200000, 0x200000, 0x40000000));
        add(t, 0x103, pageTableRelocation(VSM, 0, 2, 0x1000000, 0x10000, 0x4000),
                new PageTableRelocation(VSM, 0, 2, 0x1000000, 0x10000, 0x4000));
        add(t, 0x104, corim(SNP, corimOffset, 5), new CorimDocument(SNP, corimOffset, 5));
        add(t, 0x105, corim(SNP, signatureOffset, 3), new CorimSignature(SNP, signatureOffset, 3));
        add(t, 0x301, parameterArea(0x2000, AREA, 0), new ParameterArea(0x2000, AREA, 0));
        int[] parameterTypes = {0x307, 0x308, 0x309, 0x30A, 0x30C, 0x30E, 0x30F, 0x310, 0x312, 0x313};
        ParameterKind[] kinds = {ParameterKind.VP_COUNT, ParameterKind.SRAT, ParameterKind.MADT, ParameterKind.MMIO_RANGES,
                ParameterKind.MEMORY_MAP, ParameterKind.COMMAND_LINE, ParameterKind.SLIT, ParameterKind.PPTT,
                ParameterKind.DEVICE_TREE, ParameterKind.ENVIRONMENT_INFO};
        for (int i = 0; i < kinds.length; i++) {
            add(t, parameterTypes[i], parameter(AREA, i * 0x100), new ParameterUsage(kinds[i], AREA, i * 0x100L));
        }
        add(t, 0x303, parameterInsert(0x5000, NATIVE | SNP | VSM, AREA), new ParameterInsert(0x5000, 7, AREA));
        add(t, 0x302, pageData(0x10000, NATIVE | SNP, pageOffset, 0, 0),
                new PageData(0x10000, 3, pageOffset, PageDataFlags.NONE, PageDataType.NORMAL));
        add(t, 0x302, pageData(0x11000, NATIVE, 0, 0x6, 2),
                new PageData(0x11000, NATIVE, 0, new PageDataFlags(false, true, true), PageDataType.CPUID_DATA));
        add(t, 0x302, pageData(0x12000, SNP, pageOffset, 0, 1),
                new PageData(0x12000, SNP, pageOffset, PageDataFlags.NONE, PageDataType.SECRETS));
        add(t, 0x302, pageData(0x13000, SNP, 0, 0, 3),
                new PageData(0x13000, SNP, 0, PageDataFlags.NONE, PageDataType.CPUID_XF));
        add(t, 0x305, requiredMemory(0x100000, 7, 0x100000, 1), new RequiredMemory(0x100000, 7, 0x100000, true));
        add(t, 0x30D, errorRange(0x2000, SNP, 0x1000), new ErrorRange(0x2000, SNP, 0x1000));
        byte[] id = snpIdBlock.clone();
        putU32(id, 0, SNP);
        add(t, 0x30B, id, expectedSnpIdBlock(id));
        byte[] vbs = vbsMeasurement.clone();
        putU32(vbs, 0, VSM);
        add(t, 0x311, vbs, expectedVbsMeasurement(vbs));
        add(t, 0x304, vpContext(0, NATIVE, nativeOffset, 0), new VpContext(0, NATIVE, nativeOffset, 0));
        add(t, 0x304, vpContext(0xF000, SNP, vmsaOffset, 0), new VpContext(0xF000, SNP, vmsaOffset, 0));
        add(t, 0x304, vpContext(0, VSM, vbsOffset, 0), new VpContext(0, VSM, vbsOffset, 0));
        return t;
    }

    private void add(List<byte[]> tlvs, int type, byte[] payload, IgvmHeader record) {
        tlvs.add(tlv(type, payload));
        expected.add(record);
    }

    /** IGVM_VHS_SNP_ID_BLOCK offsets: ld 8, family 56, image 72, version 88 ... id sig 104, id key 248, author sig 400, author key 544. */
    static SnpIdBlock expectedSnpIdBlock(byte[] b) {
        ByteBuffer le = ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return new SnpIdBlock(le.getInt(0), b[4] & 0xFF, slice(b, 5, 3), slice(b, 8, 48), slice(b, 56, 16), slice(b, 72, 16),
                Integer.toUnsignedLong(le.getInt(88)), Integer.toUnsignedLong(le.getInt(92)),
                Integer.toUnsignedLong(le.getInt(96)), Integer.toUnsignedLong(le.getInt(100)),
                new SnpSignature(slice(b, 104, 72), slice(b, 176, 72)),
                new SnpPublicKey(Integer.toUnsignedLong(le.getInt(248)), Integer.toUnsignedLong(le.getInt(252)),
                        slice(b, 256, 72), slice(b, 328, 72)),
                new SnpSignature(slice(b, 400, 72), slice(b, 472, 72)),
                new SnpPublicKey(Integer.toUnsignedLong(le.getInt(544)), Integer.toUnsignedLong(le.getInt(548)),
                        slice(b, 552, 72), slice(b, 624, 72)));
    }

    /** IGVM_VHS_VBS_MEASUREMENT: eight u32 words, digest at 32, signature at 96, public key at 352. */
    static VbsMeasurement expectedVbsMeasurement(byte[] b) {
        ByteBuffer le = ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long[] w = new long[8];
        for (int i = 1; i < 8; i++) {
            w[i] = Integer.toUnsignedLong(le.getInt(i * 4));
        }
        return new VbsMeasurement(le.getInt(0), w[1], w[2], w[3], w[4], w[5], w[6], w[7],
                slice(b, 32, 64), slice(b, 96, 256), slice(b, 352, 512));
    }

    private static ByteBlock slice(byte[] b, int from, int length) {
        return ByteBlock.of(Arrays.copyOfRange(b, from, from + length));
    }
}
