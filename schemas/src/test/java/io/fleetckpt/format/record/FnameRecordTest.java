package io.fleetckpt.format.record;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FnameRecordTest {
    @Test
    void nulScanFindsTheFirstNulAtEveryPositionAndLengthAndNoneElsewhere() {
        // bytes around 0 and 0x80 are where a word-at-a-time test could go wrong
        byte[] fill = {1, (byte) 0x80, (byte) 0xff, 0x7f, (byte) 0x81, 'a', (byte) 0xfe, 0x01};
        for (int offset = 0; offset < 9; offset++) {
            for (int len = 0; len <= 40; len++) {
                byte[] b = new byte[offset + len + 8];
                Arrays.fill(b, (byte) 0); // zeros outside [offset, offset+len) must not count
                for (int i = 0; i < len; i++) b[offset + i] = fill[(i + len) % fill.length];
                assertEquals(-1, FnameRecord.indexOfNul(b, offset, offset + len), "no NUL, offset " + offset + " len " + len);
                for (int at = 0; at < len; at++) {
                    byte[] c = b.clone();
                    c[offset + at] = 0;
                    if (at + 3 < len) c[offset + at + 3] = 0; // a later NUL must not win
                    assertEquals(offset + at, FnameRecord.indexOfNul(c, offset, offset + len), "offset " + offset + " len " + len + " at " + at);
                }
            }
        }
    }
}
