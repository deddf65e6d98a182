package dev.panavisor.firmware.varstore;

import dev.panavisor.firmware.ovmf.EfiGuid;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds variable-store images the way edk2 lays them out, for tests: FV header, store header, records. */
final class VarstoreImage {
    static final int FV_HEADER = 72, STORE_SIZE = 0x3000, IMAGE_SIZE = 0x4000;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final byte[] image = new byte[IMAGE_SIZE];
    private final MemorySegment s = MemorySegment.ofArray(image);
    private final boolean authenticated;
    private long next;

    VarstoreImage(boolean authenticated) {
        this.authenticated = authenticated;
        Arrays.fill(image, (byte) 0xFF);
        s.asSlice(0, 16).fill((byte) 0);
        UefiVariableStore.NV_DATA_FV.writeTo(s, 16);
        s.set(U64, 32, IMAGE_SIZE);
        s.set(U32, 40, 0x4856465F);
        s.set(U32, 44, 0x4FEFF);
        s.set(U16, 48, (short) FV_HEADER);
        s.set(U16, 52, (short) 0);
        s.set(U32, 56, IMAGE_SIZE / 4096);
        s.set(U32, 60, 4096);
        s.set(U64, 64, 0);
        (authenticated ? UefiVariableStore.AUTHENTICATED_FORMAT : UefiVariableStore.PLAIN_FORMAT).writeTo(s, FV_HEADER);
        s.set(U32, FV_HEADER + 16, STORE_SIZE);
        s.set(ValueLayout.JAVA_BYTE, FV_HEADER + 20, (byte) 0x5A);
        s.set(ValueLayout.JAVA_BYTE, FV_HEADER + 21, (byte) 0xFE);
        s.set(U16, FV_HEADER + 22, (short) 0);
        s.set(U32, FV_HEADER + 24, 0);
        next = FV_HEADER + 28;
    }

    /** Appends a record; returns its offset. */
    long add(String name, EfiGuid vendor, int state, long monotonicCount, byte[] data) {
        long at = next;
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_16LE);
        int header = authenticated ? 60 : 32;
        s.set(U16, at, (short) 0x55AA);
        s.set(ValueLayout.JAVA_BYTE, at + 2, (byte) state);
        s.set(ValueLayout.JAVA_BYTE, at + 3, (byte) 0);
        s.set(U32, at + 4, UefiVariable.NON_VOLATILE | UefiVariable.BOOTSERVICE_ACCESS | UefiVariable.RUNTIME_ACCESS);
        if (authenticated) {
            s.set(U64, at + 8, monotonicCount);
            s.asSlice(at + 16, 16).fill((byte) 0);
            s.set(U32, at + 32, 0);
        }
        s.set(U32, at + (authenticated ? 36 : 8), nameBytes.length);
        s.set(U32, at + (authenticated ? 40 : 12), data.length);
        vendor.writeTo(s, at + (authenticated ? 44 : 16));
        MemorySegment.copy(MemorySegment.ofArray(nameBytes), 0, s, at + header, nameBytes.length);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, s, at + header + nameBytes.length, data.length);
        next = (at + header + nameBytes.length + data.length + 3) & ~3L;
        return at;
    }

    MemorySegment segment() {
        return s;
    }

    byte[] bytes() {
        return image.clone();
    }
}
