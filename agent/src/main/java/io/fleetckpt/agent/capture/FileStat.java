package io.fleetckpt.agent.capture;

import io.fleetckpt.agent.sys.StatLayout;
import io.fleetckpt.agent.sys.StatxLayout;
import io.fleetckpt.agent.sys.Syscalls;

/**
 * The stat of an fd's open file (following the /proc/PID/fd/N magic link), by the call
 * {@link StatCall} names, into one reused buffer. After {@link #stat} returned 0 the accessors
 * give that file's fields, whichever call filled them.
 */
final class FileStat {
    /** What the capture needs; asking for less lets a filesystem skip work (NFS: no atime/mtime flush). */
    static final int MASK = Syscalls.STATX_TYPE | Syscalls.STATX_MODE | Syscalls.STATX_NLINK
            | Syscalls.STATX_INO | Syscalls.STATX_SIZE;

    private final Syscalls sys;
    private final boolean cached;
    private final StatLayout layout;
    private final byte[] buf = new byte[Math.max(StatLayout.SIZE, StatxLayout.SIZE)];

    FileStat(Syscalls sys, StatCall call) {
        this.sys = sys;
        this.cached = call == StatCall.CACHED;
        this.layout = sys.statLayout();
    }

    /** The call's name for error messages. */
    String callName() {
        return cached ? "statx" : "stat";
    }

    /** @return 0, or -errno */
    int stat(int dirfd, byte[] name) {
        return cached ? sys.statx(dirfd, name, Syscalls.AT_STATX_DONT_SYNC, MASK, buf) : sys.fstatat(dirfd, name, buf, 0);
    }

    int mode() { return cached ? StatxLayout.mode(buf) : layout.mode(buf); }
    long ino() { return cached ? StatxLayout.ino(buf) : layout.ino(buf); }
    long dev() { return cached ? StatxLayout.dev(buf) : layout.dev(buf); }
    long rdev() { return cached ? StatxLayout.rdev(buf) : layout.rdev(buf); }
    long size() { return cached ? StatxLayout.size(buf) : layout.size(buf); }
    long nlink() { return cached ? StatxLayout.nlink(buf) : layout.nlink(buf); }
}
