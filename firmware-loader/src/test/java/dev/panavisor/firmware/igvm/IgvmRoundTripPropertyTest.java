package dev.panavisor.firmware.igvm;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Arbitrary valid files: build, write, read, compare; then write again and compare bytes. */
class IgvmRoundTripPropertyTest {
    @Property(tries = 200)
    void builtFilesReadBackEqualAndRewriteByteIdentical(@ForAll("recipes") Recipe recipe) throws Exception {
        Recipe.Built built = recipe.build();
        IgvmFile original = built.builder().build();
        byte[] bytes = IgvmWriter.toBytes(original);

        IgvmFile read = IgvmReader.strict().read(bytes);
        assertEquals(original.fixedHeader(), read.fixedHeader());
        assertEquals(original.headers(), read.headers());
        assertTrue(read.checksum().valid());
        assertArrayEquals(bytes, IgvmWriter.toBytes(read), "write(read(bytes)) == bytes");

        List<PageData> pages = read.headers(PageData.class);
        assertEquals(recipe.pages().size(), pages.size());
        for (int i = 0; i < pages.size(); i++) {
            Recipe.PageSpec spec = recipe.pages().get(i);
            PageData page = pages.get(i);
            assertEquals(spec.pageNumber() * 4096, page.gpa());
            assertEquals(built.pageMasks().get(i), page.compatibilityMask());
            assertEquals(spec.type(), page.dataType());
            if (spec.contents().length == 0) {
                assertTrue(read.pageContents(page).isEmpty());
            } else {
                assertArrayEquals(Arrays.copyOf(spec.contents(), 4096),
                        read.pageContents(page).orElseThrow().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        List<VpContext> contexts = read.headers(VpContext.class);
        List<VpContextData> expected = built.contexts().stream().filter(c -> c != null).toList();
        assertEquals(expected.size(), contexts.size());
        for (int i = 0; i < contexts.size(); i++) {
            VpContextData got = read.vpContextData(contexts.get(i));
            if (expected.get(i) instanceof VmsaVpContext v) {
                assertArrayEquals(v.page().toArray(ValueLayout.JAVA_BYTE),
                        ((VmsaVpContext) got).page().toArray(ValueLayout.JAVA_BYTE));
            } else {
                assertEquals(expected.get(i), got);
            }
        }
        assertFalse(IgvmDescriber.describe(read).isEmpty());
    }

    @Provide
    Arbitrary<Recipe> recipes() {
        Arbitrary<Recipe.PageSpec> page = Combinators.combine(
                Arbitraries.longs().between(0, 1 << 20), Arbitraries.integers(), Arbitraries.of(PageDataType.class),
                Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(48)).as(Recipe.PageSpec::new);
        Arbitrary<Recipe.AreaSpec> area = Combinators.combine(
                Arbitraries.integers().between(1, 3), Arbitraries.of(ParameterKind.class).list().ofMaxSize(6),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(32), Arbitraries.of(true, false))
                .as(Recipe.AreaSpec::new);
        return Combinators.combine(
                Arbitraries.of(Recipe.Flavor.class),
                Arbitraries.of(PlatformType.class).list().ofMinSize(1).ofMaxSize(5),
                page.list().ofMaxSize(40).uniqueElements(Recipe.PageSpec::pageNumber),
                area.list().ofMaxSize(3),
                Arbitraries.longs().list().ofMaxSize(2),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).list().ofMaxSize(3),
                Arbitraries.longs()).as(Recipe::new);
    }
}
