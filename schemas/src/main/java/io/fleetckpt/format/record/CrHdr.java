package io.fleetckpt.format.record;

import io.fleetckpt.format.ImageFormatException;

import java.io.IOException;

/**
 * {@code struct cr_hdr {s16 type; s16 len; u32 parent;}}: 8 bytes before every record. {@code len}
 * counts the payload only. The header fields of the record being read live in
 * {@link RecordInput} (type, len, parent) so that reading a header allocates nothing.
 */
public final class CrHdr {
    public static final int SIZE = 8;
    public static final int OFF_TYPE = 0;
    public static final int OFF_LEN = 2;
    public static final int OFF_PARENT = 4;
    /** len is s16: no payload can be longer. */
    public static final int MAX_LEN = Short.MAX_VALUE;
    public static final StructLayout LAYOUT = StructLayout.of("cr_hdr", SIZE,
            "type", OFF_TYPE, "len", OFF_LEN, "parent", OFF_PARENT);

    private CrHdr() {
    }

    /** Writes a header and reserves a zeroed payload; returns the payload's index in the buffer. */
    public static int write(RecordOutput out, int type, int len, int parent) throws IOException {
        int at = out.beginRecord(type, SIZE + len);
        out.putShort(at + OFF_TYPE, type);
        out.putShort(at + OFF_LEN, len);
        out.putInt(at + OFF_PARENT, parent);
        return at + SIZE;
    }

    /**
     * Reads the next header into {@code in}'s current-record fields and makes its whole payload
     * available in the buffer. Returns false at a clean end of input (no byte left).
     */
    public static boolean read(RecordInput in) throws IOException {
        long offset = in.offset();
        if (!in.ensure(1)) return false;
        if (!in.ensure(SIZE)) {
            throw new ImageFormatException(offset, RecordType.NONE, "cr_hdr",
                    "truncated record header: " + in.available() + " of " + SIZE + " bytes");
        }
        int p = in.position();
        int type = in.getShort(p + OFF_TYPE);
        int len = in.getShort(p + OFF_LEN);
        int parent = in.getInt(p + OFF_PARENT);
        in.setRecord(offset, type, len, parent);
        if (len < 0) throw in.error(OFF_LEN - SIZE, "len", "negative payload length " + len);
        in.skip(SIZE);
        if (!in.ensure(len)) {
            throw in.error(0, "payload", "truncated: image ends after " + in.available() + " of "
                    + len + " payload bytes");
        }
        return true;
    }
}
