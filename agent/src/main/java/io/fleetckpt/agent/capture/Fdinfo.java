package io.fleetckpt.agent.capture;

import io.fleetckpt.format.model.RawBytes;

/**
 * Parser for /proc/PID/fdinfo/N: {@code pos:}, {@code flags:} (octal), {@code mnt_id:},
 * {@code ino:} (5.14+), then kind-specific lines that are kept raw. Works on the bytes of the
 * single read, without building strings per line. {@code pos:} may be negative: files with
 * FMODE_UNSIGNED_OFFSET (/proc/PID/mem, /dev/mem) seek past 2^63, which fdinfo prints signed.
 */
final class Fdinfo {
    long pos;
    private boolean hasPos;
    int flags = -1;
    int mntId = -1;
    long ino = -1;
    RawBytes extra;

    /** @return false if a common field is missing (not an fdinfo record we understand) */
    boolean parse(byte[] b, int len) {
        pos = 0;
        hasPos = false;
        flags = -1;
        mntId = -1;
        ino = -1;
        extra = null;
        int i = 0;
        int extraStart = -1;
        while (i < len) {
            int lineStart = i;
            int colon = -1;
            while (i < len && b[i] != '\n') {
                if (colon < 0 && b[i] == ':') colon = i;
                i++;
            }
            int lineEnd = i;
            i++; // past '\n'
            if (colon < 0) continue;
            int v = colon + 1;
            while (v < lineEnd && (b[v] == ' ' || b[v] == '\t')) v++;
            int keyLen = colon - lineStart;
            if (is(b, lineStart, keyLen, "pos")) {
                boolean negative = v < lineEnd && b[v] == '-';
                long p = parseLong(b, negative ? v + 1 : v, lineEnd, 10);
                hasPos = p >= 0;
                pos = negative ? -p : p;
            }
            else if (is(b, lineStart, keyLen, "flags")) flags = (int) parseLong(b, v, lineEnd, 8);
            else if (is(b, lineStart, keyLen, "mnt_id")) mntId = (int) parseLong(b, v, lineEnd, 10);
            else if (is(b, lineStart, keyLen, "ino")) ino = parseLong(b, v, lineEnd, 10);
            else if (extraStart < 0) extraStart = lineStart;
        }
        if (extraStart >= 0) extra = RawBytes.copyOf(b, extraStart, len - extraStart);
        return hasPos && flags >= 0 && mntId >= 0;
    }

    private static boolean is(byte[] b, int off, int len, String key) {
        if (len != key.length()) return false;
        for (int k = 0; k < len; k++) if (b[off + k] != key.charAt(k)) return false;
        return true;
    }

    private static long parseLong(byte[] b, int from, int to, int radix) {
        long v = 0;
        int n = 0;
        for (int k = from; k < to; k++) {
            int d = b[k] - '0';
            if (d < 0 || d >= radix) break;
            v = v * radix + d;
            n++;
        }
        return n == 0 ? -1 : v;
    }
}
