package io.fleetckpt.format.record;

import io.fleetckpt.format.ImageFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads records through one large buffer: a whole record (header + payload) is always contiguous
 * in {@link #buffer()}, so the codecs read fields by absolute index and nothing is allocated per
 * record. Also holds the header of the record being read, and builds located errors for it.
 *
 * <p>Either streams an {@link InputStream} (refilling and compacting the buffer) or wraps a byte
 * array range as is (one host-stream chunk, an image already in memory).
 */
public final class RecordInput {
    /** Larger than the largest record (8 + 32767) so any record fits, and large enough to amortise reads. */
    public static final int DEFAULT_BUFFER = 128 * 1024;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private byte[] buf;
    private int pos;
    private int limit;
    /** Absolute offset of buf[0]. */
    private long base;
    private boolean eof;

    private long recordOffset = -1;
    private int recordType = RecordType.NONE;
    private int recordLen;
    private int recordParent;

    public RecordInput(InputStream in) {
        this(in, DEFAULT_BUFFER);
    }

    public RecordInput(InputStream in, int bufferSize) {
        if (bufferSize < CrHdr.SIZE + CrHdr.MAX_LEN) throw new IllegalArgumentException("buffer too small: " + bufferSize);
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /** Wraps {@code bytes[from, to)}; offsets reported start at {@code baseOffset}. */
    public RecordInput(byte[] bytes, int from, int to, long baseOffset) {
        this.in = null;
        this.buf = bytes;
        this.pos = from;
        this.limit = to;
        this.base = baseOffset - from;
        this.eof = true;
    }

    /** Absolute offset of the next unread byte. */
    public long offset() {
        return base + pos;
    }

    public int position() {
        return pos;
    }

    public byte[] buffer() {
        return buf;
    }

    public int available() {
        return limit - pos;
    }

    /** Makes at least {@code n} bytes available from {@link #position()}; false if the input ends first. */
    public boolean ensure(int n) throws IOException {
        while (limit - pos < n) {
            if (eof) return false;
            fill();
        }
        return true;
    }

    private void fill() throws IOException {
        if (pos > 0) {
            int rest = limit - pos;
            System.arraycopy(buf, pos, buf, 0, rest);
            base += pos;
            limit = rest;
            pos = 0;
        }
        int r = in.read(buf, limit, buf.length - limit);
        if (r < 0) eof = true;
        else limit += r;
    }

    public void skip(int n) {
        pos += n;
    }

    public int getShort(int index) {
        return (short) SHORT.get(buf, index);
    }

    public int getUShort(int index) {
        return Short.toUnsignedInt((short) SHORT.get(buf, index));
    }

    public int getInt(int index) {
        return (int) INT.get(buf, index);
    }

    public long getLong(int index) {
        return (long) LONG.get(buf, index);
    }

    void setRecord(long offset, int type, int len, int parent) {
        recordOffset = offset;
        recordType = type;
        recordLen = len;
        recordParent = parent;
    }

    public long recordOffset() {
        return recordOffset;
    }

    public int recordType() {
        return recordType;
    }

    public int recordLen() {
        return recordLen;
    }

    public int recordParent() {
        return recordParent;
    }

    /** Index in {@link #buffer()} of the current record's payload (valid right after its header). */
    public int payloadIndex() {
        return pos;
    }

    /**
     * Checks the current record is {@code type} with exactly {@code len} payload bytes, as the
     * kernel's cr_read_obj_type did; returns the payload index.
     */
    public int expectFixed(int type, int len) throws ImageFormatException {
        if (recordType != type) {
            throw error(CrHdr.OFF_TYPE - CrHdr.SIZE, "type", "expected " + RecordType.describe(type)
                    + ", found " + RecordType.describe(recordType));
        }
        if (recordLen != len) {
            throw error(CrHdr.OFF_LEN - CrHdr.SIZE, "len", "length " + recordLen + ", must be " + len);
        }
        return pos;
    }

    /** Consumes the current record's payload. */
    public void endRecord() {
        pos += recordLen;
    }

    /** An error in the current record at {@code payloadRelative} bytes from its payload start. */
    public ImageFormatException error(int payloadRelative, String field, String problem) {
        return new ImageFormatException(recordOffset + CrHdr.SIZE + payloadRelative, recordOffset,
                recordType, field, problem);
    }

    /** Checks the u64 magic at {@code payloadOffset} of the current record's payload (at index {@code p}). */
    public void expectMagic(int p, int payloadOffset, long magic) throws ImageFormatException {
        long v = getLong(p + payloadOffset);
        if (v != magic) throw error(payloadOffset, "magic", String.format("0x%016x, must be 0x%016x", v, magic));
    }

    /** Checks the current record's parent; {@code meaning} says what it must refer to. */
    public void expectParent(int expected, String meaning) throws ImageFormatException {
        if (recordParent != expected) {
            throw parentError(Integer.toUnsignedString(recordParent) + ", must be "
                    + Integer.toUnsignedString(expected) + " (" + meaning + ")");
        }
    }

    /** The parent field of the current record is wrong. */
    public ImageFormatException parentError(String problem) {
        return error(CrHdr.OFF_PARENT - CrHdr.SIZE, "parent", problem);
    }
}
