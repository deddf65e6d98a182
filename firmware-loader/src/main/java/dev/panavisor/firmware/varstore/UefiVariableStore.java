package dev.panavisor.firmware.varstore;

import dev.panavisor.firmware.ovmf.EfiGuid;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The variable records of an edk2 non-volatile store, read from a flash image.
 *
 * <p>Layout (PI 1.8 vol. 3, 3.2.1 for the firmware volume; edk2 MdeModulePkg
 * {@code VariableFormat.h} for the rest): a firmware volume whose FileSystemGuid is
 * {@code gEfiSystemNvDataFvGuid}; after its header ({@code HeaderLength} at 48), a 28-byte
 * VARIABLE_STORE_HEADER (signature GUID: authenticated or plain format, Size, Format 0x5A
 * "formatted", State 0xFE "healthy"); then records, each 4-byte aligned, starting with
 * StartId 0x55AA. The store ends at its Size or at the first record slot that is still erased.
 */
public final class UefiVariableStore {
    public static final EfiGuid NV_DATA_FV = EfiGuid.parse("fff12b8d-7696-4c8b-a985-2747075b4f50");
    public static final EfiGuid AUTHENTICATED_FORMAT = EfiGuid.parse("aaf32c78-947b-439a-a180-2e144ec37792");
    public static final EfiGuid PLAIN_FORMAT = EfiGuid.parse("ddcf3616-3275-4164-98b6-fe85707ffe7d");
    /** EFI_GLOBAL_VARIABLE: BootOrder, Boot####, ConOut, Lang, ... (UEFI 2.10, 3.3). */
    public static final EfiGuid GLOBAL_VARIABLE = EfiGuid.parse("8be4df61-93ca-11d2-aa0d-00e098032b8c");
    /** The vendor of "MTC", the monotonic counter's persisted high half (edk2 MonotonicCounterRuntimeDxe). */
    public static final EfiGuid MTC_VENDOR = EfiGuid.parse("eb704011-1402-11d3-8e77-00a0c969723b");

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int FV_SIGNATURE = 0x4856465F; // "_FVH"
    private static final int FV_MIN_HEADER = 56 + 8;    // fixed part plus the terminating block-map entry
    private static final int STORE_HEADER = 28;
    private static final int FORMATTED = 0x5A, HEALTHY = 0xFE;
    private static final int START_ID = 0x55AA;
    private static final int AUTH_HEADER = 60, PLAIN_HEADER = 32;
    private static final long SCAN_STEP = 4096;

    private final long storeOffset;
    private final boolean authenticated;
    private final List<UefiVariable> records;

    private UefiVariableStore(long storeOffset, boolean authenticated, List<UefiVariable> records) {
        this.storeOffset = storeOffset;
        this.authenticated = authenticated;
        this.records = List.copyOf(records);
    }

    /** Parses the first NV-data firmware volume found on a 4 KiB boundary of {@code image}. */
    public static UefiVariableStore parse(byte[] image) {
        MemorySegment s = MemorySegment.ofArray(image);
        for (long fv = 0; fv + FV_MIN_HEADER <= s.byteSize(); fv += SCAN_STEP) {
            if (s.get(U32, fv + 40) == FV_SIGNATURE && EfiGuid.readFrom(s, fv + 16).equals(NV_DATA_FV)) {
                return parseVolume(s, fv);
            }
        }
        throw new VarstoreFormatException("no firmware volume with FileSystemGuid " + NV_DATA_FV + " (a variable store) in the "
                + image.length + "-byte image");
    }

    private static UefiVariableStore parseVolume(MemorySegment s, long fv) {
        long fvLength = s.get(U64, fv + 32);
        int headerLength = s.get(U16, fv + 48) & 0xFFFF;
        long room = s.byteSize() - fv;
        if (fvLength < 0 || fvLength > room) {
            throw new VarstoreFormatException(String.format("firmware volume at 0x%x: FvLength 0x%x runs past the image end (0x%x bytes left)", fv, fvLength, room));
        }
        if (headerLength < FV_MIN_HEADER || headerLength + STORE_HEADER > fvLength) {
            throw new VarstoreFormatException(String.format("firmware volume at 0x%x: HeaderLength %d at offset 0x%x does not fit FvLength 0x%x",
                    fv, headerLength, fv + 48, fvLength));
        }
        long store = fv + headerLength;
        EfiGuid signature = EfiGuid.readFrom(s, store);
        boolean authenticated;
        if (signature.equals(AUTHENTICATED_FORMAT)) authenticated = true;
        else if (signature.equals(PLAIN_FORMAT)) authenticated = false;
        else throw new VarstoreFormatException(String.format("variable store at 0x%x: signature %s is neither the authenticated nor the plain format", store, signature));
        long size = Integer.toUnsignedLong(s.get(U32, store + 16));
        int format = s.get(ValueLayout.JAVA_BYTE, store + 20) & 0xFF;
        int state = s.get(ValueLayout.JAVA_BYTE, store + 21) & 0xFF;
        if (size < STORE_HEADER || size > fvLength - headerLength) {
            throw new VarstoreFormatException(String.format("variable store at 0x%x: Size 0x%x at offset 0x%x exceeds its volume (0x%x bytes after the volume header)",
                    store, size, store + 16, fvLength - headerLength));
        }
        if (format != FORMATTED || state != HEALTHY) {
            throw new VarstoreFormatException(String.format("variable store at 0x%x: Format 0x%02x, State 0x%02x (expected 0x5A formatted, 0xFE healthy)", store, format, state));
        }
        return new UefiVariableStore(store, authenticated, readRecords(s, store + STORE_HEADER, store + size, authenticated));
    }

    private static List<UefiVariable> readRecords(MemorySegment s, long first, long end, boolean authenticated) {
        int header = authenticated ? AUTH_HEADER : PLAIN_HEADER;
        List<UefiVariable> out = new ArrayList<>();
        for (long at = align4(first); at + header <= end; ) {
            if ((s.get(U16, at) & 0xFFFF) != START_ID) break; // erased space: no more records
            int state = s.get(ValueLayout.JAVA_BYTE, at + 2) & 0xFF;
            int attributes = s.get(U32, at + 4);
            long count = authenticated ? s.get(U64, at + 8) : 0;
            long nameSize = Integer.toUnsignedLong(s.get(U32, at + (authenticated ? 36 : 8)));
            long dataSize = Integer.toUnsignedLong(s.get(U32, at + (authenticated ? 40 : 12)));
            EfiGuid vendor = EfiGuid.readFrom(s, at + (authenticated ? 44 : 16));
            long nameAt = at + header;
            boolean fits = nameSize <= end - nameAt && dataSize <= end - nameAt - nameSize;
            if (!fits) {
                // A record whose write was cut short before it reached VAR_ADDED may have garbage
                // sizes; nothing completed lies after it (the driver appends only after a record
                // completes). A completed record that does not fit is corruption.
                if ((state & 0x40) != 0) break; // never reached VAR_ADDED
                throw new VarstoreFormatException(String.format("variable record at 0x%x: NameSize %d + DataSize %d run past the store end 0x%x",
                        at, nameSize, dataSize, end));
            }
            if (nameSize % 2 != 0) {
                throw new VarstoreFormatException(String.format("variable record at 0x%x: NameSize %d is odd (names are UCS-2)", at, nameSize));
            }
            String name = ucs2(s.asSlice(nameAt, nameSize).toArray(ValueLayout.JAVA_BYTE));
            byte[] data = s.asSlice(nameAt + nameSize, dataSize).toArray(ValueLayout.JAVA_BYTE);
            out.add(new UefiVariable(at, vendor, name, attributes, state, count, data));
            at = align4(nameAt + nameSize + dataSize);
        }
        return out;
    }

    private static String ucs2(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.UTF_16LE);
        int nul = all.indexOf('\0');
        return nul < 0 ? all : all.substring(0, nul);
    }

    private static long align4(long at) {
        return (at + 3) & ~3L;
    }

    /** Every record in store order, deleted ones included. */
    public List<UefiVariable> records() {
        return records;
    }

    /** The records the variable driver would return, one per name and vendor, in store order. */
    public List<UefiVariable> liveVariables() {
        List<UefiVariable> out = new ArrayList<>();
        for (UefiVariable v : records) {
            if (v.live() && find(v.name(), v.vendor()).map(f -> f.offset() == v.offset()).orElse(false)) out.add(v);
        }
        return out;
    }

    /** The live record for a name and vendor; a fully added one wins over one in delete transition. */
    public Optional<UefiVariable> find(String name, EfiGuid vendor) {
        UefiVariable transitional = null;
        for (UefiVariable v : records) {
            if (!v.live() || !v.name().equals(name) || !v.vendor().equals(vendor)) continue;
            if (!v.inDeleteTransition()) return Optional.of(v);
            transitional = v;
        }
        return Optional.ofNullable(transitional);
    }

    public long storeOffset() {
        return storeOffset;
    }

    public boolean authenticated() {
        return authenticated;
    }
}
