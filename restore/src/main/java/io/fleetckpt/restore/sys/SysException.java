package io.fleetckpt.restore.sys;

/** A failed system call: what was attempted, and errno with its text. */
public final class SysException extends Exception {
    public static final int ENOENT = 2;
    public static final int ELOOP = 40;
    public static final int EXDEV = 18;
    public static final int ESPIPE = 29;

    public final int errno;

    public SysException(String what, int errno) {
        super(what + ": " + Sys.strerror(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }
}
