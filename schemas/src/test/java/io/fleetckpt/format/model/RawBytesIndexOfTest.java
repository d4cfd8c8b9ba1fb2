package io.fleetckpt.format.model;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RawBytesIndexOfTest {
    @Test
    void agreesWithAPlainLoopOnRandomArrays() {
        Random rnd = new Random(1);
        for (int n = 0; n < 3000; n++) {
            byte[] a = new byte[rnd.nextInt(70)];
            for (int i = 0; i < a.length; i++) a[i] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(3) - 1 : rnd.nextInt(256));
            int from = a.length == 0 ? 0 : rnd.nextInt(a.length + 1);
            int to = from + rnd.nextInt(a.length - from + 1);
            byte b = (byte) (rnd.nextInt(3) - 1);
            int expected = -1;
            for (int i = from; i < to; i++) {
                if (a[i] == b) {
                    expected = i;
                    break;
                }
            }
            assertEquals(expected, RawBytes.indexOf(a, from, to, b), "case " + n);
        }
    }
}
