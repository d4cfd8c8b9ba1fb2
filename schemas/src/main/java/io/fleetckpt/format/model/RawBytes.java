package io.fleetckpt.format.model;

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
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) return i;
        }
        return -1;
    }

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
