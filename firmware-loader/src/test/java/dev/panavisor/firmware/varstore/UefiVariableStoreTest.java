package dev.panavisor.firmware.varstore;

import dev.panavisor.firmware.ovmf.EfiGuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.panavisor.firmware.varstore.UefiVariableStore.GLOBAL_VARIABLE;
import static dev.panavisor.firmware.varstore.UefiVariableStore.MTC_VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Rules from edk2's VariableFormat.h and PI vol. 3, 3.2.1 (firmware volume header). */
class UefiVariableStoreTest {
    private static final byte[] MTC_1 = {1, 0, 0, 0};
    private static final byte[] MTC_2 = {2, 0, 0, 0};

    @ParameterizedTest(name = "authenticated={0}")
    @ValueSource(booleans = {true, false})
    void readsRecordsInStoreOrderWithTheirFields(boolean authenticated) {
        VarstoreImage image = new VarstoreImage(authenticated);
        long mtc = image.add("MTC", MTC_VENDOR, UefiVariable.VAR_ADDED, 7, MTC_1);
        long order = image.add("BootOrder", GLOBAL_VARIABLE, UefiVariable.VAR_ADDED, 0, new byte[]{0, 0, 1, 0, 2});
        UefiVariableStore store = UefiVariableStore.parse(image.bytes());
        assertEquals(authenticated, store.authenticated());
        assertEquals(VarstoreImage.FV_HEADER, store.storeOffset());
        assertEquals(2, store.records().size());
        UefiVariable first = store.records().get(0);
        assertEquals(mtc, first.offset());
        assertEquals("MTC", first.name());
        assertEquals(MTC_VENDOR, first.vendor());
        assertEquals(7, authenticated ? first.monotonicCount() : 7);
        assertEquals(1, first.dataAsUnsigned());
        assertEquals(order, store.records().get(1).offset());
        assertEquals(0, order % 4, "records are 4-byte aligned");
        assertArrayEquals(new byte[]{0, 0, 1, 0, 2}, store.find("BootOrder", GLOBAL_VARIABLE).orElseThrow().data());
    }

    @Test
    void deletedRecordsAreSkippedAndTheLiveCopyIsFound() {
        // An update appends the new copy, then marks the old one deleted (VAR_ADDED & VAR_DELETED).
        VarstoreImage image = new VarstoreImage(true);
        image.add("MTC", MTC_VENDOR, UefiVariable.VAR_ADDED & UefiVariable.VAR_IN_DELETED_TRANSITION & UefiVariable.VAR_DELETED, 0, MTC_1);
        long live = image.add("MTC", MTC_VENDOR, UefiVariable.VAR_ADDED, 0, MTC_2);
        UefiVariableStore store = UefiVariableStore.parse(image.bytes());
        assertEquals(2, store.records().size());
        assertEquals(live, store.find("MTC", MTC_VENDOR).orElseThrow().offset());
        assertEquals(1, store.liveVariables().size());
    }

    @Test
    void aFullyAddedCopyWinsOverOneInDeleteTransition() {
        // Power lost between "new copy added" and "old copy deleted": both look valid; the driver
        // keeps the added one (VariableFormat.h, VAR_IN_DELETED_TRANSITION).
        VarstoreImage image = new VarstoreImage(true);
        image.add("MTC", MTC_VENDOR, UefiVariable.VAR_ADDED & UefiVariable.VAR_IN_DELETED_TRANSITION, 0, MTC_1);
        image.add("MTC", MTC_VENDOR, UefiVariable.VAR_ADDED, 0, MTC_2);
        assertEquals(2, UefiVariableStore.parse(image.bytes()).find("MTC", MTC_VENDOR).orElseThrow().dataAsUnsigned());
    }

    @Test
    void aCopyInDeleteTransitionIsStillFoundWhenItIsTheOnlyOne() {
        VarstoreImage image = new VarstoreImage(true);
        image.add("MTC", MTC_VENDOR, UefiVariable.VAR_ADDED & UefiVariable.VAR_IN_DELETED_TRANSITION, 0, MTC_1);
        assertEquals(1, UefiVariableStore.parse(image.bytes()).find("MTC", MTC_VENDOR).orElseThrow().dataAsUnsigned());
    }

    @Test
    void aRecordWhoseWriteWasCutShortEndsTheStoreWithoutError() {
        VarstoreImage image = new VarstoreImage(true);
        image.add("MTC", MTC_VENDOR, UefiVariable.VAR_ADDED, 0, MTC_1);
        long torn = image.add("Lang", GLOBAL_VARIABLE, UefiVariable.VAR_HEADER_VALID_ONLY, 0, new byte[]{'e', 'n', 'g'});
        image.segment().set(ValueLayout.JAVA_INT_UNALIGNED, torn + 40, 0x7FFF_FFF0); // DataSize never written
        UefiVariableStore store = UefiVariableStore.parse(image.bytes());
        assertEquals(1, store.records().size());
        assertTrue(store.find("Lang", GLOBAL_VARIABLE).isEmpty());
    }

    @Test
    void aCompletedRecordRunningPastTheStoreIsReportedWithItsOffset() {
        VarstoreImage image = new VarstoreImage(true);
        long bad = image.add("MTC", MTC_VENDOR, UefiVariable.VAR_ADDED, 0, MTC_1);
        image.segment().set(ValueLayout.JAVA_INT_UNALIGNED, bad + 40, 0x10_0000);
        VarstoreFormatException e = assertThrows(VarstoreFormatException.class, () -> UefiVariableStore.parse(image.bytes()));
        assertTrue(e.getMessage().contains(String.format("0x%x", bad)), e.getMessage());
    }

    @Test
    void anImageWithoutAnNvDataVolumeIsRefused() {
        VarstoreFormatException e = assertThrows(VarstoreFormatException.class, () -> UefiVariableStore.parse(new byte[8192]));
        assertTrue(e.getMessage().contains(UefiVariableStore.NV_DATA_FV.toString()), e.getMessage());
    }

    @Test
    void anUnhealthyStoreHeaderIsRefused() {
        VarstoreImage image = new VarstoreImage(true);
        image.segment().set(ValueLayout.JAVA_BYTE, VarstoreImage.FV_HEADER + 21, (byte) 0xFF);
        assertThrows(VarstoreFormatException.class, () -> UefiVariableStore.parse(image.bytes()));
    }

    @Test
    void unknownNamesAreAbsent() {
        VarstoreImage image = new VarstoreImage(false);
        image.add("MTC", MTC_VENDOR, UefiVariable.VAR_ADDED, 0, MTC_1);
        UefiVariableStore store = UefiVariableStore.parse(image.bytes());
        assertFalse(store.find("MTC", GLOBAL_VARIABLE).isPresent());
        assertFalse(store.find("BootOrder", GLOBAL_VARIABLE).isPresent());
    }

    /** Debian's pristine stores: formatted, healthy, authenticated, and empty. */
    @ParameterizedTest
    @ValueSource(strings = {"/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS.fd", "/usr/share/ovmf/OVMF.fd"})
    void debiansPristineStoresAreEmpty(String file) throws IOException {
        Path path = Path.of(file);
        assumeTrue(Files.isReadable(path), file + " not installed (package ovmf)");
        UefiVariableStore store = UefiVariableStore.parse(Files.readAllBytes(path));
        assertTrue(store.authenticated());
        assertEquals(0, store.records().size(), store.records().toString());
    }

    @Test
    void dataOfAnOddSizeIsNotAnInteger() {
        VarstoreImage image = new VarstoreImage(true);
        image.add("X", EfiGuid.parse("00000000-0000-0000-0000-000000000001"), UefiVariable.VAR_ADDED, 0, new byte[3]);
        UefiVariable v = UefiVariableStore.parse(image.bytes()).records().get(0);
        assertThrows(IllegalStateException.class, v::dataAsUnsigned);
    }
}
