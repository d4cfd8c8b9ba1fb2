package io.fleetckpt.agent.testing;

import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What /proc says about a task's fds, read independently of the capture code: java.nio for the
 * listing, fdinfo and stat, jnr-posix readlink for the raw link bytes.
 */
public final class ProcOracle {
    private static final POSIX POSIX_ = POSIXFactory.getNativePOSIX();

    private ProcOracle() {
    }

    public static TreeSet<Integer> fds(int pid) throws IOException {
        TreeSet<Integer> s = new TreeSet<>();
        try (Stream<Path> l = Files.list(Path.of("/proc", Integer.toString(pid), "fd"))) {
            l.forEach(p -> s.add(Integer.parseInt(p.getFileName().toString())));
        }
        return s;
    }

    /** fdinfo as key → value text ("pos" → "4096", "flags" → "0100002"). */
    public static Map<String, String> fdinfo(int pid, int fd) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "fdinfo", Integer.toString(fd)),
                StandardCharsets.ISO_8859_1)) {
            int c = line.indexOf(':');
            if (c > 0) m.putIfAbsent(line.substring(0, c), line.substring(c + 1).trim());
        }
        return m;
    }

    public static long pos(int pid, int fd) throws IOException {
        return Long.parseLong(fdinfo(pid, fd).get("pos"));
    }

    public static int flagsWithCloexec(int pid, int fd) throws IOException {
        return Integer.parseInt(fdinfo(pid, fd).get("flags"), 8);
    }

    public static byte[] link(int pid, int fd) {
        byte[] buf = new byte[4200];
        int n = POSIX_.readlink("/proc/" + pid + "/fd/" + fd, buf, buf.length);
        if (n < 0) throw new IllegalStateException("readlink failed for pid " + pid + " fd " + fd);
        return Arrays.copyOf(buf, n);
    }

    /** stat following the magic link: unix:dev, ino, nlink, size, mode, rdev. */
    public static Map<String, Object> stat(int pid, int fd) throws IOException {
        return Files.readAttributes(Path.of("/proc", Integer.toString(pid), "fd", Integer.toString(fd)),
                "unix:dev,ino,nlink,size,mode,rdev");
    }
}
