package io.fleetckpt.format.record;

import io.fleetckpt.format.model.RawBytes;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes records into one buffer, handing full buffers to a {@link Drain}: an OutputStream for an
 * image, a chunk sink for a host stream. Space is reserved a whole record at a time
 * ({@link #beginRecord}), so a drained buffer always ends at a record boundary: that is what lets
 * a chunk hold only whole records. Reserved space is always zero (padding is written as zeros):
 * the buffer past the write position is kept zeroed.
 */
public final class RecordOutput {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Receives buffered bytes; {@code counts} describe the records that start in them. */
    public interface Drain {
        void drain(byte[] buf, int len, RecordCounts counts) throws IOException;
    }

    /** How many records, TASK records and FD_ENT records the drained bytes hold. */
    public static final class RecordCounts {
        public int records;
        public int tasks;
        public int fdEntries;

        void reset() {
            records = 0;
            tasks = 0;
            fdEntries = 0;
        }
    }

    private final byte[] buf;
    private final Drain drain;
    private final RecordCounts counts = new RecordCounts();
    private int pos;
    private long drained;

    public RecordOutput(int capacity, Drain drain) {
        if (capacity < CrHdr.SIZE + FnameRecord.MAX_LEN) throw new IllegalArgumentException("capacity too small: " + capacity);
        this.buf = new byte[capacity];
        this.drain = drain;
    }

    /** Reserves a whole record of {@code size} bytes (header included); returns its buffer index. */
    public int beginRecord(int type, int size) throws IOException {
        int at = reserve(size);
        counts.records++;
        if (type == RecordType.TASK) counts.tasks++;
        else if (type == RecordType.FD_ENT) counts.fdEntries++;
        return at;
    }

    /** Reserves {@code size} bytes of raw data that has no header (the pids after TREE). */
    public int reserve(int size) throws IOException {
        if (size > buf.length) throw new IllegalArgumentException("record of " + size + " bytes exceeds the buffer");
        if (pos + size > buf.length) flush();
        int at = pos;
        pos += size;
        return at;
    }

    /** Bytes written so far, drained or not. */
    public long written() {
        return drained + pos;
    }

    /** Bytes buffered and not yet drained. */
    public int buffered() {
        return pos;
    }

    /** Hands the buffered records to the drain (nothing if the buffer is empty). */
    public void flush() throws IOException {
        if (pos == 0) return;
        drain.drain(buf, pos, counts);
        // keep the invariant that everything past pos is zero, so reserved space (padding
        // included) is zero without a fill per record: one bulk fill is far cheaper
        Arrays.fill(buf, 0, pos, (byte) 0);
        drained += pos;
        pos = 0;
        counts.reset();
    }

    public byte[] buffer() {
        return buf;
    }

    public void putShort(int index, int v) {
        SHORT.set(buf, index, (short) v);
    }

    public void putInt(int index, int v) {
        INT.set(buf, index, v);
    }

    public void putLong(int index, long v) {
        LONG.set(buf, index, v);
    }

    public void putBytes(int index, RawBytes src) {
        src.copyTo(buf, index);
    }
}
