package io.fleetckpt.agent.capture;

import java.nio.charset.StandardCharsets;

/** NUL-terminated byte names for the *at calls, built without allocating per fd. */
final class ProcNames {
    private ProcNames() {
    }

    static byte[] path(String p) {
        byte[] s = p.getBytes(StandardCharsets.US_ASCII);
        byte[] z = new byte[s.length + 1];
        System.arraycopy(s, 0, z, 0, s.length);
        return z;
    }

    /** Writes {@code n} (≥ 0) as decimal digits plus NUL into {@code buf} (12 bytes or more). */
    static void decimal(int n, byte[] buf) {
        int len = 1;
        for (int t = n; t >= 10; t /= 10) len++;
        buf[len] = 0;
        for (int i = len - 1; i >= 0; i--) {
            buf[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
    }
}
