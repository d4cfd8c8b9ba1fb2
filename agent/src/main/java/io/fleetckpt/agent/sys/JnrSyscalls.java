package io.fleetckpt.agent.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * {@link Syscalls} over glibc through jnr-ffi (glibc 2.33 or newer, for the {@code fstatat}
 * symbol; {@code statx} is in glibc from 2.28). The only class of the project that knows jnr-ffi.
 */
final class JnrSyscalls implements Syscalls {
    /**
     * The glibc functions we bind. {@code syscall} is declared with seven parameters: jnr-ffi's
     * generated stubs pass garbage as the 6th argument of a function with exactly six primitive
     * parameters (jnr-ffi issue #181), which made kcmp fail with EBADF. The extra 0 is ignored.
     * <p>
     * No array is {@code @Pinned}: jnr-ffi pins one with a JNI critical region held for the whole
     * call, and while a thread holds one, a garbage collection that falls due waits for it and
     * every thread that allocates or pins waits for that collection (HotSpot's GC locker). A stat
     * blocked on a hung filesystem thus stopped the whole agent, the thread that was to give the
     * stat up and thaw the tasks included. Unpinned, jnr-ffi copies each array through native
     * memory ({@code @In}: before the call, {@code @Out}: after it), which costs a copy of the
     * buffer per call.
     */
    public interface Libc {
        long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

        long syscall(long nr, long fd, @Out byte[] buf, long len);

        int open(@In byte[] path, int flags, int mode);

        int openat(int dirfd, @In byte[] name, int flags, int mode);

        long readlinkat(int dirfd, @In byte[] name, @Out byte[] buf, long len);

        int fstatat(int dirfd, @In byte[] name, @Out byte[] buf, int flags);

        /** Five parameters, two of them arrays: clear of the six-primitive trap above. */
        int statx(int dirfd, @In byte[] name, int flags, int mask, @Out byte[] buf);

        long read(int fd, @Out byte[] buf, long len);

        int close(int fd);

        int kill(int pid, int sig);
    }

    private static volatile JnrSyscalls instance;

    private final Libc c;
    private final Runtime runtime;
    private final long sysKcmp;
    private final long sysGetdents64;
    private final StatLayout layout;

    private JnrSyscalls(String arch) {
        this.c = LibraryLoader.create(Libc.class).load("c");
        this.runtime = Runtime.getRuntime(c);
        switch (arch) {
            case "amd64", "x86_64" -> { sysKcmp = 312; sysGetdents64 = 217; }
            case "aarch64", "riscv64" -> { sysKcmp = 272; sysGetdents64 = 61; }
            default -> throw new UnsupportedOperationException("syscall numbers unknown for architecture " + arch);
        }
        this.layout = StatLayout.forArch(arch);
    }

    static JnrSyscalls instance() {
        JnrSyscalls s = instance;
        if (s == null) {
            synchronized (JnrSyscalls.class) {
                s = instance;
                if (s == null) instance = s = new JnrSyscalls(System.getProperty("os.arch"));
            }
        }
        return s;
    }

    private int err(long r) {
        return r < 0 ? -runtime.getLastError() : (int) r;
    }

    @Override
    public int open(byte[] path, int flags) {
        return err(c.open(path, flags, 0));
    }

    @Override
    public int getdents64(int dirfd, byte[] buf) {
        return err(c.syscall(sysGetdents64, dirfd, buf, buf.length));
    }

    @Override
    public int readlinkat(int dirfd, byte[] name, byte[] buf) {
        return err(c.readlinkat(dirfd, name, buf, buf.length));
    }

    @Override
    public int openat(int dirfd, byte[] name, int flags) {
        return err(c.openat(dirfd, name, flags, 0));
    }

    @Override
    public int read(int fd, byte[] buf) {
        return err(c.read(fd, buf, buf.length));
    }

    @Override
    public int close(int fd) {
        return err(c.close(fd));
    }

    @Override
    public int fstatat(int dirfd, byte[] name, byte[] statBuf, int flags) {
        return err(c.fstatat(dirfd, name, statBuf, flags));
    }

    @Override
    public int statx(int dirfd, byte[] name, int flags, int mask, byte[] statxBuf) {
        return err(c.statx(dirfd, name, flags, mask, statxBuf));
    }

    @Override
    public int kcmp(int pid1, int pid2, int type, long idx1, long idx2) {
        return err(c.syscall(sysKcmp, pid1, pid2, type, idx1, idx2, 0));
    }

    @Override
    public int kill(int pid, int sig) {
        return err(c.kill(pid, sig));
    }

    @Override
    public StatLayout statLayout() {
        return layout;
    }
}
