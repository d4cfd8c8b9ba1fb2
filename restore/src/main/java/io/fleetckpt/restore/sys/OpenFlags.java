package io.fleetckpt.restore.sys;

import static io.fleetckpt.format.FileFlags.*;

/**
 * What restore needs on top of the format's {@link io.fleetckpt.format.FileFlags}: which saved
 * flags are legitimate, which would create or truncate, which F_SETFL can set, and the fcntl(2)
 * commands (x86-64 Linux).
 */
public final class OpenFlags {
    /**
     * Bits the kernel sets in f_flags for itself and open(2) cannot ask for: __FMODE_EXEC (a file
     * execve opened, AT_EXECFD) and __FMODE_NONOTIFY (fanotify's event fds). Valid in an image,
     * left out when the file is opened again.
     */
    public static final int KERNEL_INTERNAL = FMODE_EXEC_BIT | FMODE_NONOTIFY_BIT;
    /** Flags that may appear in a description's saved f_flags (O_CLOEXEC: the per-fd bit fdinfo ORs in). */
    public static final int SAVED_ALLOWED = O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | FASYNC | O_DIRECT
            | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC_BIT | O_PATH | KERNEL_INTERNAL;
    /** Flags that would create or truncate: the kernel clears them after open, so an image that has them is forged. */
    public static final int CREATING = O_CREAT | O_EXCL | O_TRUNC | O_TMPFILE_BIT;
    /**
     * The flags an O_PATH description keeps besides O_PATH (its f_flags hold no others), and the
     * only ones openat2 accepts with O_PATH apart from O_CLOEXEC.
     */
    public static final int PATH_KEPT = O_DIRECTORY | O_NOFOLLOW;
    /** The status flags F_SETFL can change on Linux; open() cannot set O_ASYNC at all. */
    public static final int SETFL_MASK = O_APPEND | FASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK;

    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_DUPFD_CLOEXEC = 1030;

    private OpenFlags() {
    }

    /** Human form, e.g. {@code O_RDWR|O_APPEND}. */
    public static String describe(int flags) {
        return io.fleetckpt.format.FileFlags.describeFlags(flags);
    }
}
