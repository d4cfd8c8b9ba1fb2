package io.fleetckpt.agent.capture;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FdinfoTest {
    private static Fdinfo parse(String s) {
        Fdinfo f = new Fdinfo();
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(f.parse(b, b.length), s);
        return f;
    }

    @Test
    void commonFieldsOctalFlags() {
        Fdinfo f = parse("pos:\t4096\nflags:\t02100002\nmnt_id:\t27\nino:\t2146764\n");
        assertEquals(4096, f.pos);
        assertEquals(02100002, f.flags);
        assertEquals(27, f.mntId);
        assertEquals(2146764, f.ino);
        assertNull(f.extra);
    }

    @Test
    void kindLinesKeptRaw() {
        Fdinfo f = parse("pos:\t0\nflags:\t02\nmnt_id:\t16\nino:\t1032\neventfd-count:                5\neventfd-id: 3\n");
        assertEquals("eventfd-count:                5\neventfd-id: 3\n", f.extra.utf8Lossy());
    }

    @Test
    void negativePosOfAnUnsignedOffsetFile() {
        // /proc/self/mem after lseek(fd, 0xffffffff00000000, SEEK_SET), as fdinfo printed it on 6.18
        Fdinfo f = parse("pos:\t-4294967296\nflags:\t0100000\nmnt_id:\t22\nino:\t7747989\n");
        assertEquals(-4294967296L, f.pos);
        assertEquals(0100000, f.flags);
    }

    @Test
    void oldKernelWithoutIno() {
        Fdinfo f = parse("pos:\t7\nflags:\t0100000\nmnt_id:\t3\n");
        assertEquals(-1, f.ino);
    }

    @Test
    void notFdinfo() {
        byte[] b = "hello\n".getBytes(StandardCharsets.US_ASCII);
        assertFalse(new Fdinfo().parse(b, b.length));
    }
}
