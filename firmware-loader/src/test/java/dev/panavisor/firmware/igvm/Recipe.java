package dev.panavisor.firmware.igvm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A random but valid set of builder calls, with enough bookkeeping to check what comes back.
 * Distinct page numbers keep page data from overlapping whatever the masks.
 */
record Recipe(Flavor flavor, List<PlatformType> platformChoices, List<PageSpec> pages, List<AreaSpec> areas,
              List<Long> policies, List<byte[]> ignorable, long seed) {

    enum Flavor { V1_X64, V2_X64, V2_AARCH64 }

    record PageSpec(long pageNumber, int maskSelector, PageDataType type, boolean unmeasured, boolean shared,
                    byte[] contents) {}

    record AreaSpec(int pages, List<ParameterKind> kinds, byte[] initialData, boolean insert) {}

    /** What the builder was asked to do, per header kind, for comparison after reading back. */
    record Built(IgvmBuilder builder, List<Integer> pageMasks, List<VpContextData> contexts) {}

    IgvmArchitecture architecture() {
        return flavor == Flavor.V2_AARCH64 ? IgvmArchitecture.AARCH64 : IgvmArchitecture.X64;
    }

    List<PlatformType> platforms() {
        List<PlatformType> fit = platformChoices.stream().distinct().filter(p -> p.runsOn(architecture())).toList();
        return fit.isEmpty() ? List.of(PlatformType.VSM_ISOLATION) : fit;
    }

    Built build() {
        IgvmBuilder b = flavor == Flavor.V1_X64 ? IgvmBuilder.v1() : IgvmBuilder.v2(architecture());
        Random random = new Random(seed);
        List<Integer> masks = new ArrayList<>();
        int all = 0;
        for (PlatformType p : platforms()) {
            int vtl = p == PlatformType.VSM_ISOLATION && random.nextBoolean() ? 2 : 0;
            boolean boundary = p != PlatformType.NATIVE && p != PlatformType.VSM_ISOLATION && random.nextBoolean();
            int mask = b.addPlatform(p, vtl, boundary ? 1L << 46 : 0);
            masks.add(mask);
            all |= mask;
        }
        for (long policy : policies) {
            b.add(new GuestPolicy(policy, masks.get(random.nextInt(masks.size()))));
        }
        List<Integer> pageMasks = new ArrayList<>();
        for (PageSpec p : pages) {
            int mask = (p.maskSelector() & all) != 0 ? p.maskSelector() & all : all;
            pageMasks.add(mask);
            b.addPageData(p.pageNumber() * IgvmFormat.PAGE_SIZE_4K, mask, p.type(),
                    new PageDataFlags(false, p.unmeasured(), p.shared()), p.contents());
        }
        for (int i = 0; i < areas.size(); i++) {
            AreaSpec a = areas.get(i);
            long index = 3L * i + 1;
            b.addParameterArea(index, a.pages() * IgvmFormat.PAGE_SIZE_4K, a.initialData());
            for (int k = 0; k < a.kinds().size(); k++) {
                b.addParameter(a.kinds().get(k), index, 64L * k);
            }
            if (a.insert()) {
                b.insertParameterArea(0x1_0000_0000L + i * 0x10_0000L, all, index);
            }
        }
        for (byte[] payload : ignorable) {
            b.add(new IgnorableHeader(0x8000_0000 | (0x300 + payload.length), ByteBlock.of(payload)));
        }
        List<VpContextData> contexts = new ArrayList<>();
        for (int i = 0; i < masks.size(); i++) {
            contexts.add(addContext(b, platforms().get(i), masks.get(i), random));
        }
        return new Built(b, pageMasks, contexts);
    }

    private static VpContextData addContext(IgvmBuilder b, PlatformType type, int mask, Random random) {
        switch (type) {
            case NATIVE, SEV -> {
                NativeX64VpContext c = NativeX64VpContext.builder().rip(random.nextLong()).cr3(random.nextLong())
                        .gpr(random.nextInt(16), random.nextLong()).code(8, 0xA09B, 0, 0xFFFFFFFFL)
                        .idtr(random.nextLong(), random.nextInt(0x10000)).build();
                b.addNativeVpContext(mask, 0, c);
                return c;
            }
            case SEV_SNP, SEV_ES -> {
                byte[] vmsa = new byte[1 + random.nextInt(4096)];
                random.nextBytes(vmsa);
                b.addVmsaVpContext(mask, 0, random.nextInt(1 << 20) * IgvmFormat.PAGE_SIZE_4K, vmsa);
                return new VmsaVpContext(java.lang.foreign.MemorySegment.ofArray(Arrays.copyOf(vmsa, 4096)));
            }
            case VSM_ISOLATION -> {
                List<VbsRegister> regs = new ArrayList<>();
                for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
                    byte[] value = new byte[16];
                    random.nextBytes(value);
                    regs.add(new VbsRegister(random.nextLong() & 0xFFFF_FFFFL, ByteBlock.of(value)));
                }
                VbsVpContext c = new VbsVpContext(random.nextInt(3), regs);
                b.addVbsVpContext(mask, c);
                return c;
            }
            case CCA -> {
                CcaVpContext c = new CcaVpContext(random.nextLong(), 1, 2, 3, 4, 5, 6, 7, random.nextLong(), random.nextLong());
                b.addCcaVpContext(mask, 0, c);
                return c;
            }
            case TDX -> {
                return null;
            }
        }
        throw new AssertionError(type);
    }
}
