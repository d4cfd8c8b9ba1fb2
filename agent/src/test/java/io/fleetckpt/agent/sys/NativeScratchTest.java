package io.fleetckpt.agent.sys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The calls go through per-thread native memory: what comes back must be exactly what the kernel
 * filled, for buffers and names larger than the scratch starts with, and must leave the rest of
 * the caller's array alone.
 */
class NativeScratchTest {
    @TempDir
    Path tmp;

    private static byte[] z(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readFillsOnlyWhatWasReadEvenBeyondTheInitialScratch() throws Exception {
        byte[] content = new byte[200_000];
        new Random(7).nextBytes(content);
        Path f = tmp.resolve("big");
        Files.write(f, content);
        Syscalls sys = Syscalls.system();
        int fd = sys.open(z(f.toString()), Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        assertTrue(fd >= 0, "open: " + fd);
        try {
            byte[] buf = new byte[content.length + 100];
            Arrays.fill(buf, (byte) 0x5a);
            int total = 0;
            while (total < content.length) {
                byte[] part = new byte[buf.length - total];
                Arrays.fill(part, (byte) 0x5a);
                int n = sys.read(fd, part);
                assertTrue(n > 0, "read: " + n);
                System.arraycopy(part, 0, buf, total, n);
                for (int i = n; i < part.length; i++) assertEquals((byte) 0x5a, part[i], "byte " + i + " past the read");
                total += n;
            }
            assertEquals(content.length, total);
            assertArrayEquals(content, Arrays.copyOf(buf, total));
        } finally {
            sys.close(fd);
        }
    }

    @Test
    void longLinkTargetAndLongNameRoundTrip() throws Exception {
        // a target longer than the 256-byte first buffer the capture tries, a name longer than a short scratch
        String target = "/" + "t".repeat(200) + "/" + "u".repeat(200) + "/" + "v".repeat(200);
        String name = "l".repeat(250);
        Path link = Files.createSymbolicLink(tmp.resolve(name), Path.of(target));
        Syscalls sys = Syscalls.system();
        int dir = sys.open(z(tmp.toString()), Syscalls.O_RDONLY | Syscalls.O_DIRECTORY | Syscalls.O_CLOEXEC);
        assertTrue(dir >= 0, "open: " + dir);
        try {
            byte[] buf = new byte[4097];
            int n = sys.readlinkat(dir, z(link.getFileName().toString()), buf);
            assertEquals(target, new String(buf, 0, n, StandardCharsets.UTF_8));
            assertEquals(0, buf[n], "nothing written past the link text");
            byte[] shortBuf = new byte[256];
            assertEquals(256, sys.readlinkat(dir, z(name), shortBuf), "cut short at the buffer's size");
            assertEquals(target.substring(0, 256), new String(shortBuf, StandardCharsets.UTF_8));
            assertEquals(-Errno.ENOENT, sys.readlinkat(dir, z("missing"), buf));
        } finally {
            sys.close(dir);
        }
    }

    @Test
    void eachThreadHasItsOwnScratch() throws Exception {
        Path a = Files.createSymbolicLink(tmp.resolve("a"), Path.of("/target-of-a"));
        Path b = Files.createSymbolicLink(tmp.resolve("b"), Path.of("/target-of-b-which-is-longer"));
        Syscalls sys = Syscalls.system();
        int dir = sys.open(z(tmp.toString()), Syscalls.O_RDONLY | Syscalls.O_DIRECTORY | Syscalls.O_CLOEXEC);
        String[] wrong = new String[1];
        Thread[] threads = new Thread[4];
        try {
            for (int t = 0; t < threads.length; t++) {
                Path mine = t % 2 == 0 ? a : b;
                String expect = Files.readSymbolicLink(mine).toString();
                threads[t] = new Thread(() -> {
                    byte[] buf = new byte[256];
                    for (int i = 0; i < 20_000 && wrong[0] == null; i++) {
                        int n = sys.readlinkat(dir, z(mine.getFileName().toString()), buf);
                        String got = n < 0 ? "errno " + -n : new String(buf, 0, n, StandardCharsets.UTF_8);
                        if (!got.equals(expect)) wrong[0] = mine + ": " + got;
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) t.join();
        } finally {
            sys.close(dir);
        }
        assertEquals(null, wrong[0]);
    }
}
