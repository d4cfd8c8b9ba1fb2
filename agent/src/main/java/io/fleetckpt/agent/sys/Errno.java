package io.fleetckpt.agent.sys;

/** The errno values the capture tells apart, and a readable name for any of them. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int ENAMETOOLONG = 36;

    private Errno() {
    }

    /** e.g. "ENOENT (no such file or directory)"; {@code e} may be given negated. */
    public static String describe(int e) {
        int n = Math.abs(e);
        return switch (n) {
            case EPERM -> "EPERM (operation not permitted)";
            case ENOENT -> "ENOENT (no such file or directory)";
            case ESRCH -> "ESRCH (no such process)";
            case EINTR -> "EINTR (interrupted)";
            case EBADF -> "EBADF (bad file descriptor)";
            case EACCES -> "EACCES (permission denied)";
            case EBUSY -> "EBUSY (busy)";
            case EINVAL -> "EINVAL (invalid argument)";
            case ENAMETOOLONG -> "ENAMETOOLONG (name too long)";
            default -> "errno " + n;
        };
    }
}
