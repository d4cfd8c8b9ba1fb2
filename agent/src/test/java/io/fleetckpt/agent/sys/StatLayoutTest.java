package io.fleetckpt.agent.sys;

import io.fleetckpt.agent.testing.CPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatLayoutTest {
    @TempDir
    Path tmp;

    /** "offsetof stat st_ino 8" and "sizeof statx 256" lines of src/test/c/statlayout.c, by "stat.st_ino" / "statx". */
    private static Map<String, Integer> gcc() throws Exception {
        Map<String, Integer> m = new HashMap<>();
        for (String line : CPrograms.run("statlayout")) {
            String[] w = line.split(" ");
            if (w[0].equals("offsetof")) m.put(w[1] + "." + w[2], Integer.parseInt(w[3]));
            else m.put("sizeof " + w[1], Integer.parseInt(w[2]));
        }
        return m;
    }

    @Test
    void statLayoutMatchesGcc() throws Exception {
        Map<String, Integer> c = gcc();
        StatLayout l = Syscalls.system().statLayout();
        l.offsets().forEach((field, off) -> assertEquals(c.get("stat." + field), off, "offsetof(struct stat, " + field + ")"));
        assertEquals(c.get("sizeof stat.st_nlink"), l.nlinkSize(), "sizeof st_nlink");
        assertTrue(c.get("sizeof stat") <= StatLayout.SIZE, "the stat buffer holds a struct stat");
    }

    @Test
    void statxLayoutMatchesGcc() throws Exception {
        Map<String, Integer> c = gcc();
        StatxLayout.offsets().forEach((field, off) -> assertEquals(c.get("statx." + field), off, "offsetof(struct statx, " + field + ")"));
        assertEquals(c.get("sizeof statx"), StatxLayout.SIZE, "sizeof(struct statx)");
        assertEquals(2, c.get("sizeof statx.stx_mode"), "stx_mode is read as a u16");
    }

    @Test
    void makedevInvertsMajorMinor() {
        for (int[] mm : new int[][] {{0, 0}, {1, 3}, {259, 7}, {0x12345, 0x6789a}, {0xfff, 0xff}, {0x1000, 0x100}}) {
            long dev = StatLayout.makedev(mm[0], mm[1]);
            assertEquals(mm[0], StatLayout.major(dev));
            assertEquals(mm[1], StatLayout.minor(dev));
        }
        assertEquals(259, StatLayout.makedev(1, 3), "the kernel's old_encode_dev layout for small numbers");
    }

    /** statx with cached attributes and fstatat must agree field by field on every kind the capture meets. */
    @Test
    void statxAgreesWithFstatat() throws Exception {
        Syscalls sys = Syscalls.system();
        Path file = Files.write(tmp.resolve("f"), new byte[12345]);
        Path link = Files.createSymbolicLink(tmp.resolve("l"), file);
        StatLayout l = sys.statLayout();
        int mask = Syscalls.STATX_TYPE | Syscalls.STATX_MODE | Syscalls.STATX_NLINK | Syscalls.STATX_INO | Syscalls.STATX_SIZE;
        for (Path p : new Path[] {file, tmp, Path.of("/dev/null"), Path.of("/proc/self/fd/0"), link}) {
            byte[] name = (p + "\0").getBytes();
            for (int flags : new int[] {0, Syscalls.AT_SYMLINK_NOFOLLOW}) {
                byte[] st = new byte[StatLayout.SIZE];
                byte[] stx = new byte[StatxLayout.SIZE];
                assertEquals(0, sys.fstatat(-100, name, st, flags), p + " fstatat");
                assertEquals(0, sys.statx(-100, name, flags | Syscalls.AT_STATX_DONT_SYNC, mask, stx), p + " statx");
                String what = p + (flags != 0 ? " (nofollow)" : "");
                assertEquals(mask, StatxLayout.mask(stx) & mask, what + ": the kernel filled every field asked for");
                assertEquals(l.mode(st), StatxLayout.mode(stx), what + " mode");
                assertEquals(l.ino(st), StatxLayout.ino(stx), what + " ino");
                assertEquals(l.dev(st), StatxLayout.dev(stx), what + " dev");
                assertEquals(l.rdev(st), StatxLayout.rdev(stx), what + " rdev");
                assertEquals(l.nlink(st), StatxLayout.nlink(stx), what + " nlink");
                assertEquals(l.size(st), StatxLayout.size(stx), what + " size");
            }
        }
        byte[] stx = new byte[StatxLayout.SIZE];
        sys.statx(-100, (file + "\0").getBytes(), Syscalls.AT_STATX_DONT_SYNC, mask, stx);
        assertEquals(12345, StatxLayout.size(stx));
        assertEquals(0100644 & 0170000, StatxLayout.mode(stx) & 0170000);
    }
    @Test
    void devNumbers() {
        assertEquals(1, StatLayout.major(259));
        assertEquals(3, StatLayout.minor(259));
        long big = (0x12345L & 0xfffL) << 8 | (0x12345L & ~0xfffL) << 32 | (0x6789aL & 0xff) | (0x6789aL & ~0xffL) << 12;
        assertEquals(0x12345, StatLayout.major(big));
        assertEquals(0x6789a, StatLayout.minor(big));
    }

    @Test
    void fstatatAgreesWithJava() throws Exception {
        Syscalls sys = Syscalls.system();
        byte[] st = new byte[StatLayout.SIZE];
        byte[] name = "/dev/null\0".getBytes();
        assertEquals(0, sys.fstatat(-100 /* AT_FDCWD */, name, st, 0));
        var attrs = Files.readAttributes(Path.of("/dev/null"), "unix:ino,dev,rdev,mode,nlink");
        StatLayout l = sys.statLayout();
        assertEquals(((Number) attrs.get("ino")).longValue(), l.ino(st));
        assertEquals(((Number) attrs.get("dev")).longValue(), l.dev(st));
        assertEquals(((Number) attrs.get("rdev")).longValue(), l.rdev(st));
        assertEquals(((Number) attrs.get("mode")).intValue(), l.mode(st));
        assertEquals(((Number) attrs.get("nlink")).longValue(), l.nlink(st));
    }

    @Test
    void kcmpWithSevenParametersWorks() {
        // jnr-ffi #181: with six primitive parameters the 6th argument arrived as garbage and
        // kcmp failed with EBADF; an fd compared with itself must be equal (0)
        Syscalls sys = Syscalls.system();
        int self = (int) ProcessHandle.current().pid();
        int fd = sys.open("/dev/null\0".getBytes(), Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        try {
            assertEquals(0, sys.kcmp(self, self, Syscalls.KCMP_FILE, fd, fd));
            assertEquals(0, sys.kcmp(self, self, Syscalls.KCMP_FILES, 0, 0));
        } finally {
            sys.close(fd);
        }
    }
}
