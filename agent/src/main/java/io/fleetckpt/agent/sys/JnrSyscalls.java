package io.fleetckpt.agent.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

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
     * No Java array is passed at all: jnr-ffi would either pin it ({@code @Pinned}: a JNI critical
     * region held for the whole call, and while a thread holds one, a garbage collection that
     * falls due waits for it and every thread that allocates or pins waits for that collection,
     * HotSpot's GC locker; a stat blocked on a hung filesystem thus stopped the whole agent, the
     * thread that was to give the stat up and thaw the tasks included) or copy it whole in and out
     * through a slower call path. Names and buffers go through each thread's
     * {@link NativeScratch} instead: the name is copied in, only what the kernel filled is copied out.
     */
    public interface Libc {
        long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

        /** Pointers are addresses of {@link NativeScratch} memory: primitive arguments only. */
        int open(long path, int flags, int mode);

        int openat(int dirfd, long name, int flags, int mode);

        long readlinkat(int dirfd, long name, long buf, long len);

        int fstatat(int dirfd, long name, long buf, int flags);

        /** Five parameters: clear of the six-primitive trap above. */
        int statx(int dirfd, long name, int flags, int mask, long buf);

        long read(int fd, long buf, long len);

        int close(int fd);

        int kill(int pid, int sig);
    }

    private static volatile JnrSyscalls instance;

    private final Libc c;
    private final Runtime runtime;
    private final long sysKcmp;
    private final long sysGetdents64;
    private final StatLayout layout;
    private final ThreadLocal<NativeScratch> scratch;

    private JnrSyscalls(String arch) {
        this.c = LibraryLoader.create(Libc.class).load("c");
        this.runtime = Runtime.getRuntime(c);
        switch (arch) {
            case "amd64", "x86_64" -> { sysKcmp = 312; sysGetdents64 = 217; }
            case "aarch64", "riscv64" -> { sysKcmp = 272; sysGetdents64 = 61; }
            default -> throw new UnsupportedOperationException("syscall numbers unknown for architecture " + arch);
        }
        this.layout = StatLayout.forArch(arch);
        this.scratch = ThreadLocal.withInitial(() -> new NativeScratch(runtime));
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
        return err(c.open(scratch.get().name(path), flags, 0));
    }

    @Override
    public int getdents64(int dirfd, byte[] buf) {
        NativeScratch m = scratch.get();
        long r = c.syscall(sysGetdents64, dirfd, m.data(buf.length), buf.length, 0, 0, 0);
        m.copyOut(buf, r);
        return err(r);
    }

    @Override
    public int readlinkat(int dirfd, byte[] name, byte[] buf) {
        NativeScratch m = scratch.get();
        long r = c.readlinkat(dirfd, m.name(name), m.data(buf.length), buf.length);
        m.copyOut(buf, r);
        return err(r);
    }

    @Override
    public int openat(int dirfd, byte[] name, int flags) {
        return err(c.openat(dirfd, scratch.get().name(name), flags, 0));
    }

    @Override
    public int read(int fd, byte[] buf) {
        NativeScratch m = scratch.get();
        long r = c.read(fd, m.data(buf.length), buf.length);
        m.copyOut(buf, r);
        return err(r);
    }

    @Override
    public int close(int fd) {
        return err(c.close(fd));
    }

    @Override
    public int fstatat(int dirfd, byte[] name, byte[] statBuf, int flags) {
        NativeScratch m = scratch.get();
        int r = c.fstatat(dirfd, m.name(name), m.data(statBuf.length), flags);
        if (r == 0) m.copyOut(statBuf, statBuf.length);
        return err(r);
    }

    @Override
    public int statx(int dirfd, byte[] name, int flags, int mask, byte[] statxBuf) {
        NativeScratch m = scratch.get();
        int r = c.statx(dirfd, m.name(name), flags, mask, m.data(statxBuf.length));
        if (r == 0) m.copyOut(statxBuf, statxBuf.length);
        return err(r);
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
