package dev.panavisor.vmm.boot.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few ACPI Machine Language encodings the DSDT needs (§20.2, AML grammar): named objects,
 * packages, buffers, scopes, devices and integer constants. Each method returns the encoded
 * bytes of one term.
 */
public final class Aml {
    static final int ZERO_OP = 0x00;
    static final int ONE_OP = 0x01;
    static final int NAME_OP = 0x08;
    static final int BYTE_PREFIX = 0x0A;
    static final int WORD_PREFIX = 0x0B;
    static final int DWORD_PREFIX = 0x0C;
    static final int QWORD_PREFIX = 0x0E;
    static final int PACKAGE_OP = 0x12;
    static final int BUFFER_OP = 0x11;
    static final int SCOPE_OP = 0x10;
    static final int EXT_OP_PREFIX = 0x5B;
    static final int DEVICE_OP = 0x82;
    static final int ROOT_CHAR = 0x5C;
    static final int ONES_OP = 0xFF;

    private Aml() { }

    /** DefName := NameOp NameString DataRefObject (§20.2.5.1). */
    public static byte[] name(String nameSeg, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(NAME_OP);
        out.writeBytes(nameSeg(nameSeg));
        out.writeBytes(value);
        return out.toByteArray();
    }

    /**
     * NameSeg := LeadNameChar NameChar NameChar NameChar (§20.2.2): 'A'-'Z' or '_' first, then
     * 'A'-'Z', '0'-'9' or '_'; shorter names are padded with '_'.
     */
    public static byte[] nameSeg(String name) {
        if (name.isEmpty() || name.length() > 4) throw new IllegalArgumentException("a NameSeg has 1 to 4 characters: '" + name + "'");
        String padded = (name + "____").substring(0, 4);
        for (int i = 0; i < 4; i++) {
            char c = padded.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) throw new IllegalArgumentException("invalid NameSeg '" + name + "'");
        }
        return padded.getBytes(StandardCharsets.US_ASCII);
    }

    /** DefPackage := PackageOp PkgLength NumElements PackageElementList (§20.2.5.4). */
    public static byte[] packageOf(byte[]... elements) {
        if (elements.length > 0xFF) throw new IllegalArgumentException("a Package holds at most 255 elements");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(elements.length);
        for (byte[] e : elements) body.writeBytes(e);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(PACKAGE_OP);
        out.writeBytes(pkgLength(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /**
     * PkgLength (§20.2.4) for a body of {@code bodyLength} bytes; the encoded length counts
     * itself. One byte holds up to 63; otherwise bits 7-6 of the lead byte give the number of
     * following bytes, its bits 3-0 the low nibble, and each following byte 8 more bits.
     */
    public static byte[] pkgLength(int bodyLength) {
        if (bodyLength < 0) throw new IllegalArgumentException("negative length");
        for (int extra = 0; extra <= 3; extra++) {
            int total = bodyLength + 1 + extra;
            if (extra == 0 && total <= 0x3F) return new byte[] {(byte) total};
            if (extra > 0 && total < (1 << (4 + 8 * extra))) {
                byte[] b = new byte[1 + extra];
                b[0] = (byte) ((extra << 6) | (total & 0x0F));
                for (int i = 1; i <= extra; i++) b[i] = (byte) (total >>> (4 + 8 * (i - 1)));
                return b;
            }
        }
        throw new IllegalArgumentException("package too long for PkgLength: " + bodyLength);
    }

    /** DefBuffer := BufferOp PkgLength BufferSize ByteList (§20.2.5.4), BufferSize the shortest integer. */
    public static byte[] buffer(byte[] data) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(integer(data.length));
        body.writeBytes(data);
        return withPkgLength(BUFFER_OP, body.toByteArray());
    }

    /**
     * DefScope := ScopeOp PkgLength NameString TermList (§20.2.5.1), for a scope directly under
     * the root: {@code \NAME}.
     */
    public static byte[] rootScope(String nameSeg, byte[]... terms) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(ROOT_CHAR);
        body.writeBytes(nameSeg(nameSeg));
        for (byte[] t : terms) body.writeBytes(t);
        return withPkgLength(SCOPE_OP, body.toByteArray());
    }

    /** DefDevice := ExtOpPrefix DeviceOp PkgLength NameString TermList (§20.2.5.2), named relative to its scope. */
    public static byte[] device(String nameSeg, byte[]... terms) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(nameSeg(nameSeg));
        for (byte[] t : terms) body.writeBytes(t);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(EXT_OP_PREFIX);
        out.writeBytes(withPkgLength(DEVICE_OP, body.toByteArray()));
        return out.toByteArray();
    }

    /**
     * A compressed EISA ID as the ASL macro {@code EISAID("PNP0501")} produces it (§6.1.5, _HID):
     * three letters of 5 bits each ('A' = 1) and four hex digits, stored big-endian in a DWORD
     * that AML then holds little-endian.
     */
    public static long eisaId(String id) {
        if (id.length() != 7) throw new IllegalArgumentException("an EISA ID is 3 letters and 4 hex digits: '" + id + "'");
        int v = 0;
        for (int i = 0; i < 3; i++) {
            char c = id.charAt(i);
            if (c < 'A' || c > 'Z') throw new IllegalArgumentException("an EISA ID starts with 3 capital letters: '" + id + "'");
            v = (v << 5) | (c - 0x40);
        }
        int product;
        try {
            product = Integer.parseInt(id.substring(3), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an EISA ID ends with 4 hex digits: '" + id + "'");
        }
        int bigEndian = (v << 16) | product;
        return Integer.toUnsignedLong(Integer.reverseBytes(bigEndian));
    }

    private static byte[] withPkgLength(int op, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(op);
        out.writeBytes(pkgLength(body.length));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The shortest ComputationalData for an unsigned integer (§20.2.3): ZeroOp, OneOp or a prefixed constant. */
    public static byte[] integer(long value) {
        if (value == 0) return new byte[] {ZERO_OP};
        if (value == 1) return new byte[] {ONE_OP};
        if (value >= 0 && value <= 0xFF) return new byte[] {BYTE_PREFIX, (byte) value};
        if (value >= 0 && value <= 0xFFFF) return new byte[] {WORD_PREFIX, (byte) value, (byte) (value >>> 8)};
        if (value >= 0 && value <= 0xFFFF_FFFFL) return le(DWORD_PREFIX, value, 4);
        return le(QWORD_PREFIX, value, 8);
    }

    private static byte[] le(int prefix, long value, int bytes) {
        byte[] b = new byte[1 + bytes];
        b[0] = (byte) prefix;
        for (int i = 0; i < bytes; i++) b[1 + i] = (byte) (value >>> (8 * i));
        return b;
    }
}
