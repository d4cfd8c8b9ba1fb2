package io.fleetckpt.agent.sys;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatLayoutTest {
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
