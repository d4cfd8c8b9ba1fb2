package io.fleetckpt.format.record;

import io.fleetckpt.format.model.RawBytes;

/**
 * Fixed-size char arrays (uts strings, comm): NUL-padded on write; on read the bytes up to the
 * first NUL (or the whole array when it has none), since the kernel leaves garbage after it.
 */
final class CString {
    private CString() {
    }

    static RawBytes read(byte[] buf, int at, int size) {
        int n = 0;
        while (n < size && buf[at + n] != 0) n++;
        return RawBytes.copyOf(buf, at, n);
    }

    /** A model value must fit the array and hold no NUL (it would cut the name short on read). */
    static void checkFits(String what, RawBytes s, int size) {
        if (s.length() > size) throw new IllegalArgumentException(what + " is " + s.length() + " bytes, at most " + size);
        int nul = s.indexOf((byte) 0);
        if (nul >= 0) throw new IllegalArgumentException(what + " has a NUL byte at " + nul + ": " + s.escaped());
    }
}
