package io.fleetckpt.restore.sys;

/** Linux x86-64 open(2) and fcntl(2) constants, as octal as the headers spell them. */
public final class OpenFlags {
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
    public static final int O_ASYNC = 020000;
    public static final int O_DIRECT = 040000;
    public static final int O_LARGEFILE = 0100000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_NOATIME = 01000000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_SYNC_BIT = 04000000;
    public static final int O_PATH = 010000000;
    public static final int O_TMPFILE_BIT = 020000000;

    /** Flags that may appear in a description's saved f_flags (O_CLOEXEC: the per-fd bit fdinfo ORs in). */
    public static final int SAVED_ALLOWED = O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT
            | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC_BIT | O_PATH;
    /** Flags that would create or truncate: the kernel clears them after open, so an image that has them is forged. */
    public static final int CREATING = O_CREAT | O_EXCL | O_TRUNC | O_TMPFILE_BIT;
    /** The status flags F_SETFL can change on Linux; open() cannot set O_ASYNC at all. */
    public static final int SETFL_MASK = O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK;

    public static final int F_DUPFD = 0;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int FD_CLOEXEC = 1;

    private static final String[] NAMES = {"O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC", "O_APPEND", "O_NONBLOCK", "O_DSYNC",
            "O_ASYNC", "O_DIRECT", "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW", "O_NOATIME", "O_CLOEXEC", "O_SYNC", "O_PATH",
            "O_TMPFILE"};
    private static final int[] BITS = {O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND, O_NONBLOCK, O_DSYNC, O_ASYNC, O_DIRECT,
            O_LARGEFILE, O_DIRECTORY, O_NOFOLLOW, O_NOATIME, O_CLOEXEC, O_SYNC_BIT, O_PATH, O_TMPFILE_BIT};

    private OpenFlags() {
    }

    /** Human form, e.g. {@code O_RDWR|O_APPEND}; unknown bits as octal. */
    public static String describe(int flags) {
        StringBuilder sb = new StringBuilder(switch (flags & O_ACCMODE) {
            case O_RDONLY -> "O_RDONLY";
            case O_WRONLY -> "O_WRONLY";
            case O_RDWR -> "O_RDWR";
            default -> "O_ACCMODE3";
        });
        int rest = flags & ~O_ACCMODE;
        for (int i = 0; i < BITS.length; i++) {
            if ((rest & BITS[i]) != 0) {
                sb.append('|').append(NAMES[i]);
                rest &= ~BITS[i];
            }
        }
        if (rest != 0) sb.append("|0").append(Integer.toOctalString(rest));
        return sb.toString();
    }
}
