package io.fleetckpt.format.record;

import io.fleetckpt.format.model.RawBytes;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * CR_HDR_FNAME: the path bytes and their NUL (len = length + 1, no padding), parent 0. The path
 * is the name the kernel shows, raw bytes, possibly not a file system path at all
 * ({@code pipe:[12]}, {@code anon_inode:[eventfd]}).
 */
public final class FnameRecord {
    /** PATH_MAX, NUL included. */
    public static final int MAX_LEN = 4096;

    private FnameRecord() {
    }

    public static void write(RecordOutput out, RawBytes path) throws IOException {
        int len = path.length() + 1;
        if (len > MAX_LEN) throw new IllegalArgumentException("path of " + path.length() + " bytes exceeds PATH_MAX: " + abbreviated(path));
        int p = CrHdr.write(out, RecordType.FNAME, len, 0);
        out.putBytes(p, path);
        // scan the copy in the buffer: one tight loop over an array instead of a call per byte
        byte[] b = out.buffer();
        for (int i = p, end = p + path.length(); i < end; i++) {
            if (b[i] == 0) throw new IllegalArgumentException("path has a NUL byte at " + (i - p) + ": " + abbreviated(path));
        }
    }

    /** Validates the current FNAME record; returns the path length (without the NUL). */
    public static int check(RecordInput in) throws IOException {
        if (in.recordType() != RecordType.FNAME) {
            throw in.error(CrHdr.OFF_TYPE - CrHdr.SIZE, "type", "expected " + RecordType.describe(RecordType.FNAME)
                    + ", found " + RecordType.describe(in.recordType()));
        }
        in.expectParent(0, "none");
        int len = in.recordLen();
        if (len < 1 || len > MAX_LEN) throw in.error(CrHdr.OFF_LEN - CrHdr.SIZE, "len", "length " + len + ", must be 1.." + MAX_LEN);
        byte[] b = in.buffer();
        int p = in.payloadIndex();
        int last = p + len - 1;
        if (b[last] != 0) throw in.error(len - 1, "path", "not NUL-terminated");
        int nul = indexOfNul(b, p, last);
        if (nul >= 0) throw in.error(nul - p, "path", "NUL byte inside the name at index " + (nul - p));
        return len - 1;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Index of the first 0 byte in {@code b[from, to)}, or -1. Every FNAME of every image is
     * scanned (twice in the aggregator: stream and image), so eight bytes are tested at once.
     */
    static int indexOfNul(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long v = (long) LONGS.get(b, i);
            if (((v - ONES) & ~v & HIGHS) != 0) break; // some byte of v is 0: the loop below finds which
        }
        for (; i < to; i++) if (b[i] == 0) return i;
        return -1;
    }

    /** Validates and returns the path. */
    public static RawBytes read(RecordInput in) throws IOException {
        int n = check(in);
        RawBytes path = RawBytes.copyOf(in.buffer(), in.payloadIndex(), n);
        in.endRecord();
        return path;
    }

    private static String abbreviated(RawBytes path) {
        String s = path.escaped();
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
