package io.fleetckpt.format;

import java.util.StringJoiner;

/**
 * Names for FD_DATA's f_flags (open(2) flags, x86 values, as in /proc/PID/fdinfo) and f_mode
 * (the kernel's FMODE_* bits as 2.6.28 numbered them, plus the present FMODE_PATH). Unknown bits
 * are kept as hex, never lost. A capture derives f_mode (user space cannot read it) in the
 * agent's {@code FileMode}.
 */
public final class FileFlags {
    public static final int O_ACCMODE = 03;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DSYNC = 010000;
    public static final int FASYNC = 020000;
    public static final int O_DIRECT = 040000;
    public static final int O_LARGEFILE = 0100000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_NOATIME = 01000000;
    public static final int O_CLOEXEC = 02000000;
    /** __O_SYNC; O_SYNC is __O_SYNC | O_DSYNC. */
    public static final int O_SYNC_BIT = 04000000;
    public static final int O_PATH = 010000000;
    /** __O_TMPFILE; O_TMPFILE is __O_TMPFILE | O_DIRECTORY. */
    public static final int O_TMPFILE_BIT = 020000000;
    /**
     * __FMODE_EXEC: not an open(2) flag but a kernel-internal f_flags bit (asm-generic/fcntl.h
     * reserves it) that stays in the f_flags of a file opened for execve; a process holds such a
     * file as binfmt_misc's AT_EXECFD (the "O" flag). Measured on 6.18: fdinfo flags 0100040.
     */
    public static final int FMODE_EXEC_BIT = 040;
    /**
     * __FMODE_NONOTIFY: the other f_flags bit asm-generic/fcntl.h reserves. Kernels up to 6.13
     * opened fanotify event fds with it in f_flags; 6.18 no longer does (measured: 0100000).
     */
    public static final int FMODE_NONOTIFY_BIT = 0x4000000;

    /**
     * Every f_flags bit x86-64 Linux defines: the open flags of the uapi asm-generic/fcntl.h
     * (which arch/x86's fcntl.h includes unchanged) and the two internal bits it reserves. Present
     * kernels drop any other bit at open(2) (build_open_flags masks VALID_OPEN_FLAGS).
     */
    public static final int KNOWN_FLAGS = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND
            | O_NONBLOCK | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME
            | O_CLOEXEC | O_SYNC_BIT | O_PATH | O_TMPFILE_BIT | FMODE_EXEC_BIT | FMODE_NONOTIFY_BIT;

    public static final int FMODE_READ = 0x1;
    public static final int FMODE_WRITE = 0x2;
    public static final int FMODE_LSEEK = 0x4;
    /** FMODE_PREAD and FMODE_PWRITE shared this bit in 2.6.28. */
    public static final int FMODE_PREAD = 0x8;
    public static final int FMODE_EXEC = 0x10;
    public static final int FMODE_NDELAY = 0x20;
    public static final int FMODE_EXCL = 0x40;
    public static final int FMODE_WRITE_IOCTL = 0x80;
    /** An O_PATH fd (no I/O at all): the present kernel's value, 2.6.28 had no O_PATH. */
    public static final int FMODE_PATH = 0x4000;

    /** Flags open(2) consumes; the kernel (2.6.28 as today) clears them from f_flags after opening. */
    public static final int OPEN_ONLY = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC;

    private static final int[] FLAG_BITS = {O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND, O_NONBLOCK,
            O_DSYNC, FASYNC, O_DIRECT, O_LARGEFILE, O_DIRECTORY, O_NOFOLLOW, O_NOATIME, O_CLOEXEC,
            O_SYNC_BIT, O_PATH, O_TMPFILE_BIT, FMODE_EXEC_BIT, FMODE_NONOTIFY_BIT};
    private static final String[] FLAG_NAMES = {"O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC", "O_APPEND",
            "O_NONBLOCK", "O_DSYNC", "FASYNC", "O_DIRECT", "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW",
            "O_NOATIME", "O_CLOEXEC", "__O_SYNC", "O_PATH", "__O_TMPFILE", "__FMODE_EXEC", "__FMODE_NONOTIFY"};
    private static final int[] MODE_BITS = {FMODE_READ, FMODE_WRITE, FMODE_LSEEK, FMODE_PREAD, FMODE_EXEC,
            FMODE_NDELAY, FMODE_EXCL, FMODE_WRITE_IOCTL, FMODE_PATH};
    private static final String[] MODE_NAMES = {"FMODE_READ", "FMODE_WRITE", "FMODE_LSEEK", "FMODE_PREAD",
            "FMODE_EXEC", "FMODE_NDELAY", "FMODE_EXCL", "FMODE_WRITE_IOCTL", "FMODE_PATH"};

    private FileFlags() {
    }

    /**
     * The READ/WRITE f_mode bits the kernel derives from an access mode: its
     * {@code OPEN_FMODE(flags) = (flags + 1) & O_ACCMODE}, so 0 gives READ, 1 WRITE, 2 both and 3
     * (an ioctl-only open) neither. O_PATH files are the exception (FMODE_PATH, no READ/WRITE).
     */
    public static int openFmode(int flags) {
        return (flags + 1) & O_ACCMODE;
    }

    /** {@code O_RDWR|O_APPEND|O_LARGEFILE}; access mode first; unknown bits as {@code 0x...}. */
    public static String describeFlags(int flags) {
        StringJoiner j = new StringJoiner("|");
        j.add(switch (flags & O_ACCMODE) {
            case O_RDONLY -> "O_RDONLY";
            case O_WRONLY -> "O_WRONLY";
            case O_RDWR -> "O_RDWR";
            default -> "O_ACCMODE(3)";
        });
        int rest = flags & ~O_ACCMODE;
        return describeBits(j, rest, FLAG_BITS, FLAG_NAMES);
    }

    /** The given f_flags bits alone, without an access mode: {@code O_CREAT|O_TRUNC}. */
    public static String describeFlagBits(int bits) {
        return describeBits(new StringJoiner("|"), bits & ~O_ACCMODE, FLAG_BITS, FLAG_NAMES);
    }

    /** {@code FMODE_READ|FMODE_LSEEK|...}, or {@code 0}. */
    public static String describeMode(int mode) {
        if (mode == 0) return "0";
        return describeBits(new StringJoiner("|"), mode, MODE_BITS, MODE_NAMES);
    }

    private static String describeBits(StringJoiner j, int bits, int[] values, String[] names) {
        int rest = bits;
        for (int i = 0; i < values.length; i++) {
            if ((rest & values[i]) != 0) {
                j.add(names[i]);
                rest &= ~values[i];
            }
        }
        if (rest != 0) j.add(String.format("0x%x", rest));
        return j.toString();
    }
}
