package io.fleetckpt.restore.sys;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

import static io.fleetckpt.restore.sys.Libc.C;

/** Checked wrappers over {@link Libc}: each failure becomes a {@link SysException} naming the call. */
public final class Sys {
    public static final int AT_FDCWD = -100;
    private static final long SYS_FSTAT = 5;
    private static final long SYS_KCMP = 312;
    private static final long SYS_OPENAT2 = 437;
    private static final long SYS_FACCESSAT2 = 439;
    private static final long SYS_GETEUID = 107;
    private static final int AT_EACCESS = 0x200;
    private static final int AT_EMPTY_PATH = 0x1000;
    public static final int R_OK = 4;
    public static final int W_OK = 2;
    /** capability(7) number of CAP_FOWNER: may set O_NOATIME on files it does not own. */
    public static final int CAP_FOWNER = 3;
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_BENEATH = 0x08;
    private static final int KCMP_FILE = 0;
    private static final int RLIMIT_NOFILE = 7;

    public static final int S_IFMT = 0170000;

    /** glibc's x86-64 struct statvfs: 112 bytes, unsigned long f_flag at 72 (checked against gcc in the tests). */
    static final int STATVFS_SIZE = 112;
    static final int STATVFS_F_FLAG = 72;
    static final long ST_NOEXEC = 8;

    private static final int NAME_MAX_BYTES = 4096;

    /**
     * Native buffers reused per thread: allocating direct memory for every call cost more than
     * the system calls themselves when thousands of descriptions are opened.
     */
    private static final class Scratch {
        final Pointer how = Memory.allocateDirect(Libc.RUNTIME, 24, true);
        final Pointer stat = Memory.allocateDirect(Libc.RUNTIME, 144, true);
        final Pointer name = Memory.allocateDirect(Libc.RUNTIME, NAME_MAX_BYTES + 1, true);
        final Pointer statvfs = Memory.allocateDirect(Libc.RUNTIME, STATVFS_SIZE, true);
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Sys() {
    }

    public static int errno() {
        return Libc.RUNTIME.getLastError();
    }

    public static String strerror(int errno) {
        return C.strerror(errno);
    }

    /**
     * openat2(2): {@code how.resolve} makes the kernel refuse escapes and magic links during the
     * walk itself, which a userspace component-by-component check could only approximate.
     */
    public static int openat2(int dirfd, byte[] path, int flags, long resolve) throws SysException {
        if (path.length >= NAME_MAX_BYTES) throw new SysException("openat2: name of " + path.length + " bytes", 36); // ENAMETOOLONG
        Scratch sc = SCRATCH.get();
        sc.how.putLong(0, flags & 0xffffffffL);
        sc.how.putLong(8, 0);
        sc.how.putLong(16, resolve);
        sc.name.put(0, path, 0, path.length);
        sc.name.putByte(path.length, (byte) 0);
        long fd = C.syscall(SYS_OPENAT2, dirfd, sc.name.address(), sc.how.address(), 24, 0, 0);
        if (fd < 0) throw new SysException("openat2", errno());
        return (int) fd;
    }

    /** fstat(2) → {st_mode, st_size, st_uid} (x86-64 struct stat: mode at 24, uid at 28, size at 48). */
    public static long[] fstat(int fd) throws SysException {
        Pointer st = SCRATCH.get().stat;
        if (C.syscall(SYS_FSTAT, fd, st.address(), 0, 0, 0, 0) != 0) throw new SysException("fstat", errno());
        return new long[] {st.getInt(24) & 0xffffffffL, st.getLong(48), st.getInt(28) & 0xffffffffL};
    }

    /**
     * faccessat2(fd, "", mode, AT_EMPTY_PATH | AT_EACCESS): whether the effective user may open
     * what {@code fd} (an O_PATH fd) names for {@code mode} (R_OK, W_OK), by the permission checks
     * open itself makes, without opening it.
     */
    public static void faccess(int fd, int mode) throws SysException {
        Pointer name = SCRATCH.get().name;
        name.putByte(0, (byte) 0);
        if (C.syscall(SYS_FACCESSAT2, fd, name.address(), mode, AT_EACCESS | AT_EMPTY_PATH, 0, 0) != 0) {
            throw new SysException("faccessat2", errno());
        }
    }

    public static long geteuid() {
        return C.syscall(SYS_GETEUID, 0, 0, 0, 0, 0, 0);
    }

    /** Whether this process has capability {@code cap} in its effective set (CapEff of /proc/self/status). */
    public static boolean hasCapability(int cap) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >>> cap & 1) != 0;
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // unknown: say no, the cautious answer for a prediction
        }
        return false;
    }

    /** statvfs(3): whether the file system holding {@code path} is mounted noexec (no mapping for execution). */
    public static boolean noexec(java.nio.file.Path path) throws SysException {
        byte[] b = path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] z = java.util.Arrays.copyOf(b, b.length + 1);
        Pointer buf = SCRATCH.get().statvfs;
        if (C.statvfs(z, buf) != 0) throw new SysException("statvfs " + path, errno());
        return (buf.getLong(STATVFS_F_FLAG) & ST_NOEXEC) != 0;
    }

    /** kcmp(KCMP_FILE): 0 when both fds name one open file description. */
    public static long kcmpFile(int pid1, int pid2, int fd1, int fd2) throws SysException {
        long r = C.syscall(SYS_KCMP, pid1, pid2, KCMP_FILE, fd1, fd2, 0);
        if (r < 0) throw new SysException("kcmp", errno());
        return r;
    }

    public static int fcntl(int fd, int cmd, int arg) throws SysException {
        int r = C.fcntl(fd, cmd, arg);
        if (r < 0) throw new SysException("fcntl(" + fd + ", " + cmd + ")", errno());
        return r;
    }

    /** @return fcntl's result, negative on failure */
    public static int fcntlUnchecked(int fd, int cmd, int arg) {
        return C.fcntl(fd, cmd, arg);
    }

    public static long lseek(int fd, long offset) throws SysException {
        long r = C.lseek(fd, offset, 0);
        if (r < 0) throw new SysException("lseek", errno());
        return r;
    }

    public static void close(int fd) {
        C.close(fd);
    }

    /** @return {soft, hard} RLIMIT_NOFILE */
    public static long[] nofileLimit() {
        long[] r = new long[2];
        if (C.getrlimit(RLIMIT_NOFILE, r) != 0) return new long[] {1024, 1024};
        return r;
    }

    /** Sets the soft fd limit, keeping the hard one. */
    public static void setNofileSoft(long soft) throws SysException {
        long[] r = nofileLimit();
        if (C.setrlimit(RLIMIT_NOFILE, new long[] {soft, r[1]}) != 0) throw new SysException("setrlimit(RLIMIT_NOFILE, " + soft + ")", errno());
    }

    /** Raises the soft fd limit to the hard one: the restorer holds every description at once. */
    public static void raiseNofileToHard() {
        long[] r = nofileLimit();
        if (r[0] < r[1]) C.setrlimit(RLIMIT_NOFILE, new long[] {r[1], r[1]});
    }
}
