package dev.panavisor.firmware.igvm;

import static dev.panavisor.firmware.igvm.Raw.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Per-structure and cross-structure rules, each shown once broken and, where useful, once kept. */
class HeaderRulesTest {
    private static final byte[] SNP = tlv(0x1, snpPlatform(1));
    private static final byte[] NATIVE = tlv(0x1, nativePlatform(2));

    /** Builds the headers twice: once to learn where file data starts, once with real offsets. */
    static byte[] withData(LongFunction<List<byte[]>> headers, byte[] data) {
        long start = 24 + headers.apply(0).stream().mapToLong(t -> t.length).sum();
        return v1(headers.apply(start), data);
    }

    static byte[] file(byte[]... tlvs) {
        return v1(List.of(tlvs), new byte[0]);
    }

    @Nested
    class Platforms {
        @Test
        void compatibilityMaskOfAPlatformMustHaveExactlyOneBit() {
            rejects(file(tlv(0x1, snpPlatform(3))), IgvmRule.COMPATIBILITY_MASK);
            rejects(file(tlv(0x1, snpPlatform(0))), IgvmRule.COMPATIBILITY_MASK);
        }

        @Test
        void twoPlatformsCannotShareAMaskBit() {
            rejects(file(SNP, tlv(0x1, nativePlatform(1))), IgvmRule.COMPATIBILITY_MASK);
        }

        @Test
        void aPlatformTypeMayBeDeclaredOnce() {
            IgvmFormatException e = rejects(file(SNP, tlv(0x1, snpPlatform(2))), IgvmRule.DUPLICATE_PLATFORM);
            assertEquals(1, e.headerIndex());
        }

        @Test
        void platformTypeMustBeDefined() {
            rejects(file(tlv(0x1, supportedPlatform(1, 0, 7, 1, 0))), IgvmRule.INVALID_ENUM_VALUE);
        }

        @Test
        void platformVersionMustBeOne() {
            rejects(file(tlv(0x1, supportedPlatform(1, 0, 2, 2, 0))), IgvmRule.PLATFORM_VERSION);
        }

        @Test
        void highestVtlMustBeZeroOrTwo() {
            rejects(file(tlv(0x1, supportedPlatform(1, 1, 2, 1, 0))), IgvmRule.INVALID_VTL);
            accepts(file(tlv(0x1, supportedPlatform(1, 2, 2, 1, 0))));
        }

        @Test
        void nativeAndVsmMustNotHaveASharedGpaBoundary() {
            rejects(file(tlv(0x1, supportedPlatform(1, 0, 0, 1, 0x1000))), IgvmRule.SHARED_GPA_BOUNDARY);
            rejects(file(tlv(0x1, supportedPlatform(1, 0, 1, 1, 0x1000))), IgvmRule.SHARED_GPA_BOUNDARY);
            accepts(file(tlv(0x1, supportedPlatform(1, 0, 2, 1, 0x1000))));
        }

        @Test
        void platformsMustSuitTheArchitecture() {
            rejects(image(2, 1, 4096, List.of(SNP), new byte[0]), IgvmRule.ARCHITECTURE_MISMATCH);
            rejects(file(tlv(0x1, supportedPlatform(1, 0, 6, 1, 0))), IgvmRule.ARCHITECTURE_MISMATCH);
            accepts(image(2, 1, 4096, List.of(tlv(0x1, supportedPlatform(1, 0, 1, 1, 0))), new byte[0]));
        }

        @Test
        void headersMayOnlyUseDeclaredMaskBits() {
            rejects(file(SNP, tlv(0x101, guestPolicy(0, 2))), IgvmRule.COMPATIBILITY_MASK);
            rejects(file(SNP, tlv(0x101, guestPolicy(0, 0))), IgvmRule.COMPATIBILITY_MASK);
            accepts(file(SNP, NATIVE, tlv(0x101, guestPolicy(0, 3))));
        }
    }

    @Nested
    class ReservedFieldsAndEnums {
        @Test
        void guestPolicyReservedMustBeZero() {
            byte[] p = guestPolicy(0, 1);
            putU32(p, 12, 1);
            rejects(file(SNP, tlv(0x101, p)), IgvmRule.RESERVED_NOT_ZERO);
        }

        @Test
        void pageDataReservedMustBeZero() {
            byte[] p = pageData(0, 1, 0, 0, 0);
            putU16(p, 22, 1);
            rejects(file(SNP, tlv(0x302, p)), IgvmRule.RESERVED_NOT_ZERO);
        }

        @Test
        void vpContextReservedMustBeZero() {
            byte[] p = vpContext(0, 1, 0, 0);
            putU16(p, 18, 1);
            rejects(file(SNP, tlv(0x304, p)), IgvmRule.RESERVED_NOT_ZERO);
        }

        @Test
        void requiredMemoryReservedAndFlagsAreChecked() {
            byte[] p = requiredMemory(0, 1, 0x1000, 0);
            putU32(p, 20, 1);
            rejects(file(SNP, tlv(0x305, p)), IgvmRule.RESERVED_NOT_ZERO);
            rejects(file(SNP, tlv(0x305, requiredMemory(0, 1, 0x1000, 2))), IgvmRule.UNDEFINED_FLAGS);
        }

        @Test
        void pageTableRelocationReservedMustBeZero() {
            byte[] p = pageTableRelocation(1, 0, 0, 0, 0x1000, 0);
            p[7] = 1;
            rejects(file(SNP, tlv(0x103, p)), IgvmRule.RESERVED_NOT_ZERO);
        }

        @Test
        void corimReservedMustBeZero() {
            byte[] p = corim(1, 0, 0);
            putU32(p, 12, 9);
            rejects(file(SNP, tlv(0x104, p)), IgvmRule.RESERVED_NOT_ZERO);
        }

        @Test
        void ccaPolicyReservedAndEnumsAreChecked() {
            byte[] cca = tlv(0x1, supportedPlatform(1, 0, 6, 1, 0));
            byte[] p = ccaPolicy(1, 0, 0, 0, 0);
            p[31] = 1;
            rejects(image(2, 1, 4096, List.of(cca, tlv(0x106, p)), new byte[0]), IgvmRule.RESERVED_NOT_ZERO);
            rejects(image(2, 1, 4096, List.of(cca, tlv(0x106, ccaPolicy(1, 0, 0, 3, 0))), new byte[0]),
                    IgvmRule.INVALID_ENUM_VALUE);
            rejects(image(2, 1, 4096, List.of(cca, tlv(0x106, ccaPolicy(1, 0, 0, 0, 2))), new byte[0]),
                    IgvmRule.INVALID_ENUM_VALUE);
        }

        @Test
        void pageDataTypeMustBeDefined() {
            rejects(file(SNP, tlv(0x302, pageData(0, 1, 0, 0, 4))), IgvmRule.INVALID_ENUM_VALUE);
        }

        @Test
        void pageDataFlagsBeyondIs2MbUnmeasuredSharedAreRejected() {
            rejects(file(SNP, tlv(0x302, pageData(0, 1, 0, 0x8, 0))), IgvmRule.UNDEFINED_FLAGS);
            accepts(file(SNP, tlv(0x302, pageData(0, 1, 0, 0x6, 0))));
        }

        @Test
        void relocatableRegionFlagsAndVtlAreChecked() {
            byte[] vsm = tlv(0x1, supportedPlatform(1, 2, 1, 1, 0));
            rejects(file(vsm, tlv(0x102, relocatableRegion(1, 0, 0, 0x8, 0x1000, 0, 0x1000, 0, 0x10000))),
                    IgvmRule.UNDEFINED_FLAGS);
            rejects(file(vsm, tlv(0x102, relocatableRegion(1, 0, 3, 0, 0x1000, 0, 0x1000, 0, 0x10000))),
                    IgvmRule.INVALID_VTL);
        }
    }

    @Nested
    class Alignment {
        @Test
        void pageDataGpaMustBePageAligned() {
            IgvmFormatException e = rejects(file(SNP, tlv(0x302, pageData(0x1800, 1, 0, 0, 0))), IgvmRule.UNALIGNED_ADDRESS);
            assertEquals(1, e.headerIndex());
            assertEquals(48, e.fileOffset());
        }

        @Test
        void twoMegabytePageMustBe2MbAligned() {
            rejects(file(SNP, tlv(0x302, pageData(0x1000, 1, 0, 0x1, 0))), IgvmRule.UNALIGNED_ADDRESS);
            accepts(file(SNP, tlv(0x302, pageData(0x200000, 1, 0, 0x1, 0))));
        }

        @Test
        void requiredMemoryAndErrorRangeMustBePageAligned() {
            rejects(file(SNP, tlv(0x305, requiredMemory(0x10, 1, 0x1000, 0))), IgvmRule.UNALIGNED_ADDRESS);
            rejects(file(SNP, tlv(0x305, requiredMemory(0, 1, 0x1001, 0))), IgvmRule.UNALIGNED_SIZE);
            rejects(file(SNP, tlv(0x30D, errorRange(0x10, 1, 0x1000))), IgvmRule.UNALIGNED_ADDRESS);
            rejects(file(SNP, tlv(0x30D, errorRange(0, 1, 0x800))), IgvmRule.UNALIGNED_SIZE);
        }

        @Test
        void parameterAreaSizeMustBePageMultiple() {
            rejects(file(SNP, tlv(0x301, parameterArea(0x1001, 0, 0))), IgvmRule.UNALIGNED_SIZE);
        }

        @Test
        void parameterInsertMustBePageAligned() {
            rejects(file(SNP, tlv(0x301, parameterArea(0x1000, 0, 0)), tlv(0x303, parameterInsert(0x1004, 1, 0))),
                    IgvmRule.UNALIGNED_ADDRESS);
        }
    }

    @Nested
    class FileOffsets {
        @Test
        void pageDataOffsetBeyondTheFileIsRejected() {
            byte[] image = withData(start -> List.of(SNP, tlv(0x302, pageData(0, 1, start + 1, 0, 0))), new byte[4096]);
            IgvmFormatException e = rejects(image, IgvmRule.FILE_OFFSET_OUT_OF_RANGE);
            assertEquals(1, e.headerIndex());
            accepts(withData(start -> List.of(SNP, tlv(0x302, pageData(0, 1, start, 0, 0))), new byte[4096]));
        }

        @Test
        void pageDataOffsetPointingIntoTheHeadersIsRejected() {
            rejects(v1(List.of(SNP, tlv(0x302, pageData(0, 1, 24, 0, 0))), new byte[8192]),
                    IgvmRule.FILE_OFFSET_OUT_OF_RANGE);
        }

        @Test
        void pageDataOffsetNearFourGigabytesIsRejected() {
            rejects(file(SNP, tlv(0x302, pageData(0, 1, 0xFFFF_F000L, 0, 0))), IgvmRule.FILE_OFFSET_OUT_OF_RANGE);
        }

        @Test
        void twoMegabytePageNeedsTwoMegabytesOfData() {
            rejects(withData(start -> List.of(SNP, tlv(0x302, pageData(0, 1, start, 1, 0))), new byte[4096]),
                    IgvmRule.FILE_OFFSET_OUT_OF_RANGE);
        }

        @Test
        void parameterAreaInitialDataMustFit() {
            rejects(withData(start -> List.of(SNP, tlv(0x301, parameterArea(0x2000, 0, start))), new byte[4096]),
                    IgvmRule.FILE_OFFSET_OUT_OF_RANGE);
            rejects(withData(start -> List.of(SNP, tlv(0x301, parameterArea(-4096L, 0, start))), new byte[4096]),
                    IgvmRule.FILE_OFFSET_OUT_OF_RANGE);
        }

        @Test
        void corimPayloadMustFit() {
            rejects(withData(start -> List.of(SNP, tlv(0x104, corim(1, start, 9))), new byte[8]),
                    IgvmRule.FILE_OFFSET_OUT_OF_RANGE);
        }

        @Test
        void vpContextDataMustFit() {
            rejects(withData(start -> List.of(SNP, tlv(0x304, vpContext(0, 1, start, 0))), new byte[4095]),
                    IgvmRule.FILE_OFFSET_OUT_OF_RANGE);
            rejects(file(SNP, tlv(0x304, vpContext(0, 1, 0, 0))), IgvmRule.FILE_OFFSET_OUT_OF_RANGE);
        }
    }

    @Nested
    class PageOverlap {
        @Test
        void samePageTwiceForTheSamePlatformIsRejected() {
            IgvmFormatException e = rejects(file(SNP, tlv(0x302, pageData(0x1000, 1, 0, 0, 0)),
                    tlv(0x302, pageData(0x1000, 1, 0, 0, 0))), IgvmRule.PAGE_DATA_OVERLAP);
            assertEquals(2, e.headerIndex());
            assertTrue(e.getMessage().contains("#1"), e.getMessage());
        }

        @Test
        void overlappingMasksConflictDisjointMasksDoNot() {
            rejects(file(SNP, NATIVE, tlv(0x302, pageData(0x1000, 3, 0, 0, 0)), tlv(0x302, pageData(0x1000, 2, 0, 0, 0))),
                    IgvmRule.PAGE_DATA_OVERLAP);
            accepts(file(SNP, NATIVE, tlv(0x302, pageData(0x1000, 1, 0, 0, 0)), tlv(0x302, pageData(0x1000, 2, 0, 0, 0))));
        }

        @Test
        void twoMegabytePageOverlapsTheSmallPagesInside() {
            rejects(file(SNP, tlv(0x302, pageData(0x3000, 1, 0, 0, 0)), tlv(0x302, pageData(0, 1, 0, 1, 0))),
                    IgvmRule.PAGE_DATA_OVERLAP);
            rejects(file(SNP, tlv(0x302, pageData(0, 1, 0, 1, 0)), tlv(0x302, pageData(0x1FF000, 1, 0, 0, 0))),
                    IgvmRule.PAGE_DATA_OVERLAP);
            accepts(file(SNP, tlv(0x302, pageData(0, 1, 0, 1, 0)), tlv(0x302, pageData(0x200000, 1, 0, 0, 0))));
        }

        @Test
        void topOfTheAddressSpaceIsHandledUnsigned() {
            accepts(file(SNP, tlv(0x302, pageData(0xFFFF_FFFF_FFFF_F000L, 1, 0, 0, 0)), tlv(0x302, pageData(0, 1, 0, 0, 0))));
            rejects(file(SNP, tlv(0x302, pageData(0xFFFF_FFFF_FFFF_F000L, 1, 0, 0, 0)),
                    tlv(0x302, pageData(0xFFFF_FFFF_FFFF_F000L, 1, 0, 0, 0))), IgvmRule.PAGE_DATA_OVERLAP);
        }
    }

    @Nested
    class ParameterAreas {
        private final byte[] area = tlv(0x301, parameterArea(0x1000, 5, 0));

        @Test
        void areaIndexMayBeDeclaredOnce() {
            rejects(file(SNP, area, area), IgvmRule.PARAMETER_AREA_INDEX);
        }

        @Test
        void parametersNeedADeclaredArea() {
            rejects(file(SNP, tlv(0x307, parameter(5, 0))), IgvmRule.PARAMETER_AREA_INDEX);
        }

        @Test
        void insertedAreaCannotBeUsedOrInsertedAgain() {
            byte[] insert = tlv(0x303, parameterInsert(0x10000, 1, 5));
            rejects(file(SNP, area, insert, tlv(0x30E, parameter(5, 0))), IgvmRule.PARAMETER_AREA_INDEX);
            rejects(file(SNP, area, insert, tlv(0x303, parameterInsert(0x20000, 1, 5))), IgvmRule.PARAMETER_AREA_INDEX);
            accepts(file(SNP, area, tlv(0x30E, parameter(5, 0)), insert));
        }

        @Test
        void parameterMustFitInItsArea() {
            rejects(file(SNP, area, tlv(0x307, parameter(5, 0xFFE))), IgvmRule.PARAMETER_OUT_OF_AREA);
            accepts(file(SNP, area, tlv(0x307, parameter(5, 0xFFC))));
            rejects(file(SNP, area, tlv(0x30A, parameter(5, 0xFF0))), IgvmRule.PARAMETER_OUT_OF_AREA);
            rejects(file(SNP, area, tlv(0x30C, parameter(5, 0x1000))), IgvmRule.PARAMETER_OUT_OF_AREA);
        }
    }

    @Nested
    class Relocation {
        private final byte[] vsm = tlv(0x1, supportedPlatform(1, 2, 1, 1, 0));

        private byte[] vbsContextFile(List<byte[]> middle) {
            byte[] vbs = HandAssembled.vbsContext();
            return withData(start -> {
                List<byte[]> t = new ArrayList<>();
                t.add(vsm);
                t.addAll(middle);
                t.add(tlv(0x304, vpContext(0, 1, start, 0)));
                return t;
            }, vbs);
        }

        @Test
        void relocatableRegionNeedsAVpContextForItsVpAndVtl() {
            byte[] region = tlv(0x102, relocatableRegion(1, 0, 2, 0, 0x1000, 0x1000, 0x1000, 0, 0x100000));
            IgvmFormatException e = rejects(file(vsm, region), IgvmRule.MISSING_VP_CONTEXT);
            assertEquals(1, e.headerIndex());
            accepts(vbsContextFile(List.of(region)));
            byte[] vtl0 = tlv(0x102, relocatableRegion(1, 0, 0, 0, 0x1000, 0x1000, 0x1000, 0, 0x100000));
            rejects(vbsContextFile(List.of(vtl0)), IgvmRule.MISSING_VP_CONTEXT);
        }

        @Test
        void relocationAlignmentMustBeANonZero4kMultipleHonouredByTheAddresses() {
            rejects(vbsContextFile(List.of(tlv(0x102, relocatableRegion(1, 0, 2, 0, 0, 0, 0x1000, 0, 0)))),
                    IgvmRule.RELOCATION_ALIGNMENT);
            rejects(vbsContextFile(List.of(tlv(0x102, relocatableRegion(1, 0, 2, 0, 0x800, 0, 0x1000, 0, 0)))),
                    IgvmRule.RELOCATION_ALIGNMENT);
            rejects(vbsContextFile(List.of(tlv(0x102, relocatableRegion(1, 0, 2, 0, 0x2000, 0x1000, 0x1000, 0, 0)))),
                    IgvmRule.RELOCATION_ALIGNMENT);
            rejects(vbsContextFile(List.of(tlv(0x102, relocatableRegion(1, 0, 2, 0, 0x2000, 0, 0x1000, 0x1000, 0)))),
                    IgvmRule.RELOCATION_ALIGNMENT);
            rejects(vbsContextFile(List.of(tlv(0x102, relocatableRegion(1, 0, 2, 0, 0x1000, 0, 0x1800, 0, 0)))),
                    IgvmRule.UNALIGNED_SIZE);
        }

        @Test
        void regionWrappingPastTheTopIsRejected() {
            rejects(vbsContextFile(List.of(tlv(0x102, relocatableRegion(1, 0, 2, 0, 0x1000,
                    0xFFFF_FFFF_FFFF_F000L, 0x2000, 0, 0)))), IgvmRule.ADDRESS_WRAP);
        }

        @Test
        void regionsOfOnePlatformMustNotOverlap() {
            rejects(vbsContextFile(List.of(
                    tlv(0x102, relocatableRegion(1, 0, 2, 0, 0x1000, 0x10000, 0x4000, 0, 0x100000)),
                    tlv(0x103, pageTableRelocation(1, 0, 2, 0x13000, 0x2000, 0)))), IgvmRule.REGION_OVERLAP);
        }

        @Test
        void onePageTableRegionPerPlatformWithUsedSizeWithinSize() {
            rejects(vbsContextFile(List.of(tlv(0x103, pageTableRelocation(1, 0, 2, 0x10000, 0x1000, 0x2000)))),
                    IgvmRule.PAGE_TABLE_REGION);
            rejects(vbsContextFile(List.of(tlv(0x103, pageTableRelocation(1, 0, 2, 0x10000, 0x1000, 0)),
                    tlv(0x103, pageTableRelocation(1, 0, 2, 0x20000, 0x1000, 0)))), IgvmRule.PAGE_TABLE_REGION);
            rejects(vbsContextFile(List.of(tlv(0x103, pageTableRelocation(1, 0, 2, 0x10800, 0x1000, 0)))),
                    IgvmRule.UNALIGNED_ADDRESS);
        }

        @Test
        void parameterAreaMustNotBeInsertedIntoThePageTables() {
            rejects(vbsContextFile(List.of(tlv(0x103, pageTableRelocation(1, 0, 2, 0x10000, 0x4000, 0)),
                    tlv(0x301, parameterArea(0x1000, 0, 0)), tlv(0x303, parameterInsert(0x12000, 1, 0)))),
                    IgvmRule.PARAMETER_INSERT_IN_PAGE_TABLE);
        }
    }

    @Nested
    class VpContexts {
        @Test
        void vpContextMustNameExactlyOnePlatform() {
            byte[] image = withData(start -> List.of(SNP, NATIVE, tlv(0x304, vpContext(0, 3, start, 0))), new byte[4096]);
            rejects(image, IgvmRule.VP_CONTEXT_PLATFORM);
        }

        @Test
        void tdxHasNoVpContext() {
            byte[] tdx = tlv(0x1, supportedPlatform(1, 0, 3, 1, 0));
            rejects(withData(start -> List.of(tdx, tlv(0x304, vpContext(0, 1, start, 0))), new byte[4096]),
                    IgvmRule.VP_CONTEXT_PLATFORM);
        }

        @Test
        void vmsaGpaMustBePageAligned() {
            rejects(withData(start -> List.of(SNP, tlv(0x304, vpContext(0x10, 1, start, 0))), new byte[4096]),
                    IgvmRule.UNALIGNED_ADDRESS);
        }

        @Test
        void nativeContextGpaMustBeZero() {
            rejects(withData(start -> List.of(NATIVE, tlv(0x304, vpContext(0x1000, 2, start, 0))),
                    HandAssembled.nativeContextPage()), IgvmRule.VP_CONTEXT_GPA);
        }

        @Test
        void nativeContextPageMustBeZeroAfterTheStructure() {
            byte[] page = HandAssembled.nativeContextPage();
            page[232] = 1;
            rejects(withData(start -> List.of(NATIVE, tlv(0x304, vpContext(0, 2, start, 0))), page),
                    IgvmRule.VP_CONTEXT_DATA);
        }

        @Test
        void vbsContextRules() {
            byte[] vsm = tlv(0x1, supportedPlatform(1, 2, 1, 1, 0));
            byte[] none = new byte[4];
            rejects(withData(start -> List.of(vsm, tlv(0x304, vpContext(0, 1, start, 0))), none), IgvmRule.VP_CONTEXT_DATA);
            byte[] mixed = HandAssembled.vbsContext();
            mixed[36] = 0;
            rejects(withData(start -> List.of(vsm, tlv(0x304, vpContext(0, 1, start, 0))), mixed), IgvmRule.VP_CONTEXT_DATA);
            rejects(withData(start -> List.of(vsm, tlv(0x304, vpContext(0, 1, start, 1))), HandAssembled.vbsContext()),
                    IgvmRule.VP_CONTEXT_DATA);
            byte[] padding = HandAssembled.vbsContext();
            padding[4 + 6] = 1;
            rejects(withData(start -> List.of(vsm, tlv(0x304, vpContext(0, 1, start, 0))), padding),
                    IgvmRule.RESERVED_NOT_ZERO);
            byte[] huge = HandAssembled.vbsContext();
            putU32(huge, 0, 0xFFFF_FFFFL);
            rejects(withData(start -> List.of(vsm, tlv(0x304, vpContext(0, 1, start, 0))), huge),
                    IgvmRule.FILE_OFFSET_OUT_OF_RANGE);
        }

        @Test
        void nativeContextOnlyInX64Files() {
            // VSM is allowed on AArch64, but an x64-only NATIVE platform is not; the platform check fires first.
            rejects(image(2, 1, 4096, List.of(NATIVE), new byte[0]), IgvmRule.ARCHITECTURE_MISMATCH);
        }
    }

    @Nested
    class CcaAndCorim {
        private final byte[] cca = tlv(0x1, supportedPlatform(1, 0, 6, 1, 0));

        @Test
        void ccaPolicyCannotRequireABitBothSetAndClear() {
            rejects(image(2, 1, 4096, List.of(cca, tlv(0x106, ccaPolicy(1, 0x3, 0x2, 0, 0))), new byte[0]),
                    IgvmRule.CCA_POLICY);
        }

        @Test
        void ccaPolicyMustNameCcaPlatforms() {
            byte[] vsm = tlv(0x1, supportedPlatform(2, 0, 1, 1, 0));
            rejects(image(2, 1, 4096, List.of(cca, vsm, tlv(0x106, ccaPolicy(3, 0, 0, 0, 0))), new byte[0]),
                    IgvmRule.CCA_POLICY);
        }

        @Test
        void ccaPolicyOnlyInAArch64Files() {
            rejects(file(SNP, tlv(0x106, ccaPolicy(1, 0, 0, 0, 0))), IgvmRule.ARCHITECTURE_MISMATCH);
        }

        @Test
        void oneCorimDocumentPerPlatformAndSignatureAfterIt() {
            rejects(file(SNP, tlv(0x104, corim(1, 0, 0)), tlv(0x104, corim(1, 0, 0))), IgvmRule.CORIM);
            rejects(file(SNP, tlv(0x105, corim(1, 0, 0)), tlv(0x104, corim(1, 0, 0))), IgvmRule.CORIM);
            rejects(file(SNP, tlv(0x104, corim(1, 0, 0)), tlv(0x105, corim(1, 0, 0)), tlv(0x105, corim(1, 0, 0))),
                    IgvmRule.CORIM);
            accepts(file(SNP, tlv(0x104, corim(1, 0, 0)), tlv(0x105, corim(1, 0, 0))));
        }
    }
}
