package dev.panavisor.firmware.varstore;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

/** Whatever a (possibly corrupt) varstore file holds, parsing returns or throws VarstoreFormatException, nothing else. */
class UefiVariableStoreFuzzTest {
    private static final byte[] VALID = valid();

    private static byte[] valid() {
        VarstoreImage image = new VarstoreImage(true);
        image.add("MTC", UefiVariableStore.MTC_VENDOR, UefiVariable.VAR_ADDED, 3, new byte[]{1, 0, 0, 0});
        image.add("BootOrder", UefiVariableStore.GLOBAL_VARIABLE, UefiVariable.VAR_ADDED, 0, new byte[]{0, 0});
        image.add("Boot0000", UefiVariableStore.GLOBAL_VARIABLE, UefiVariable.VAR_ADDED, 0, new byte[40]);
        return image.bytes();
    }

    @Property(tries = 3000)
    void corruptedStoresFailOnlyWithVarstoreFormatException(@ForAll("edits") List<int[]> edits) {
        byte[] image = VALID.clone();
        for (int[] e : edits) image[e[0]] = (byte) e[1];
        try {
            UefiVariableStore store = UefiVariableStore.parse(image);
            store.liveVariables();
        } catch (VarstoreFormatException expected) {
            // the only permitted failure
        }
    }

    @Provide
    Arbitrary<List<int[]>> edits() {
        // Most edits land in the headers and the first records, where the parser decides things.
        Arbitrary<Integer> where = Arbitraries.oneOf(Arbitraries.integers().between(0, 0x200), Arbitraries.integers().between(0, VALID.length - 1));
        return Combinators.combine(where, Arbitraries.integers().between(0, 255)).as((at, value) -> new int[]{at, value})
                .list().ofMinSize(1).ofMaxSize(6);
    }
}
