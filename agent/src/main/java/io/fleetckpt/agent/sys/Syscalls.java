package io.fleetckpt.agent.sys;

/**
 * The few Linux calls the capture needs that Java lacks. Every method returns what the kernel
 * returned, with errors as {@code -errno} instead of exceptions: the scanner makes six of these
 * calls per fd and decides per call what an error means (fd closed, task gone, no permission).
 * <p>
 * Byte-array names are NUL-terminated by the caller. Implementations must be safe to call from
 * several threads at once (errno is per thread).
 */
public interface Syscalls {
    int O_RDONLY = 0;
    int O_DIRECTORY = 0200000;
    int O_CLOEXEC = 02000000;
    int O_PATH = 010000000;
    int AT_SYMLINK_NOFOLLOW = 0x100;
    /**
     * statx: answer from the attributes the kernel has cached, never ask the filesystem. FUSE
     * sends no GETATTR to its daemon and NFS no GETATTR to its server (fs/fuse/dir.c
     * fuse_update_get_attr, fs/nfs/inode.c nfs_getattr); local filesystems ignore the flag.
     */
    int AT_STATX_DONT_SYNC = 0x4000;
    int STATX_TYPE = 0x1;
    int STATX_MODE = 0x2;
    int STATX_NLINK = 0x4;
    int STATX_INO = 0x100;
    int STATX_SIZE = 0x200;

    int KCMP_FILE = 0;
    int KCMP_FILES = 2;

    int SIGCONT = 18;
    int SIGSTOP = 19;
    int SIGKILL = 9;

    /** open(path, flags): fd or -errno. */
    int open(byte[] path, int flags);

    /** getdents64(2) into {@code buf}: bytes filled, 0 at the end, or -errno. */
    int getdents64(int dirfd, byte[] buf);

    /** readlinkat(2) into {@code buf}: the link's length (not NUL-terminated) or -errno. */
    int readlinkat(int dirfd, byte[] name, byte[] buf);

    /** openat(2): fd or -errno. */
    int openat(int dirfd, byte[] name, int flags);

    /** read(2): bytes read or -errno. */
    int read(int fd, byte[] buf);

    /** close(2): 0 or -errno. */
    int close(int fd);

    /** fstatat(2) into {@code statBuf} (at least {@link StatLayout#SIZE} bytes): 0 or -errno. */
    int fstatat(int dirfd, byte[] name, byte[] statBuf, int flags);

    /**
     * statx(2) into {@code statxBuf} (at least {@link StatxLayout#SIZE} bytes): 0 or -errno.
     * {@code mask} is what the caller needs ({@code STATX_*}); see {@link StatxLayout}.
     */
    int statx(int dirfd, byte[] name, int flags, int mask, byte[] statxBuf);

    /** kcmp(2): 0 equal, 1 less, 2 greater, 3 unordered, or -errno. */
    int kcmp(int pid1, int pid2, int type, long idx1, long idx2);

    /** kill(2): 0 or -errno. */
    int kill(int pid, int sig);

    /** How this machine lays out {@code struct stat}. */
    StatLayout statLayout();

    /** The implementation for this machine (jnr-ffi over glibc). */
    static Syscalls system() {
        return JnrSyscalls.instance();
    }
}
