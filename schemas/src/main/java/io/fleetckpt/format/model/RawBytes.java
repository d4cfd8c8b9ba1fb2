package io.fleetckpt.format.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Immutable bytes with value equality. Paths and comm names are kept as the kernel gave them:
 * Linux names are bytes, not text, and decoding them through String loses invalid UTF-8.
 */
public final class RawBytes implements Comparable<RawBytes> {
    private final byte[] bytes;

    private RawBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    public static RawBytes copyOf(byte[] bytes) {
        return new RawBytes(bytes.clone());
    }

    public static RawBytes copyOf(byte[] bytes, int offset, int length) {
        return new RawBytes(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** For names typed by people (tests, CLI); never for names read from the kernel. */
    public static RawBytes ofUtf8(String s) {
        return new RawBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public int length() {
        return bytes.length;
    }

    public byte byteAt(int i) {
        return bytes[i];
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Writes the bytes into {@code dst} at {@code offset} without copying them first. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    /** Index of the first {@code b}, or -1 (the writers look for NUL before writing a name). */
    public int indexOf(byte b) {
        return indexOf(bytes, 0, bytes.length, b);
    }

    /**
     * Index in {@code a} of the first {@code b} in {@code [from, to)}, or -1. Eight bytes per step
     * (the zero-byte test on {@code word ^ pattern}): the codec scans every name for NUL, on both
     * sides, and a byte-at-a-time loop was the writer's hottest spot.
     */
    public static int indexOf(byte[] a, int from, int to, byte b) {
        long pattern = (b & 0xffL) * 0x0101010101010101L;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long v = (long) LONGS.get(a, i) ^ pattern;
            long t = (v - 0x0101010101010101L) & ~v & 0x8080808080808080L;
            // a borrow only moves upward, so the lowest flagged byte is a real match
            if (t != 0) return i + (Long.numberOfTrailingZeros(t) >>> 3);
        }
        for (; i < to; i++) {
            if (a[i] == b) return i;
        }
        return -1;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    public boolean endsWith(byte[] suffix) {
        if (suffix.length > bytes.length) return false;
        return Arrays.equals(bytes, bytes.length - suffix.length, bytes.length, suffix, 0, suffix.length);
    }

    /** Lossy text for humans only; see {@link #escaped()} for a lossless printable form. */
    public String utf8Lossy() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Printable and lossless: printable ASCII stays as is, backslash becomes {@code \\}, every
     * other byte becomes {@code \xNN}. A reader can always get the exact bytes back.
     */
    public String escaped() {
        StringBuilder sb = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '\\') sb.append("\\\\");
            else if (c >= 0x20 && c < 0x7f) sb.append((char) c);
            else sb.append(String.format("\\x%02x", c));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawBytes r && Arrays.equals(bytes, r.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(RawBytes o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return escaped();
    }
}
