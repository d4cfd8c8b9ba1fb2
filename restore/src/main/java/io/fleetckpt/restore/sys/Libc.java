package io.fleetckpt.restore.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The few libc entry points restore needs, bound with jnr-ffi. This interface is the only place
 * that knows the native layer. x86-64 Linux with glibc 2.34+ only (syscall numbers, struct
 * layouts and posix_spawn_file_actions_addclosefrom_np).
 */
public interface Libc {
    /**
     * Seven parameters on purpose: with exactly six primitive parameters jnr-ffi's ASM fast path
     * hands C a garbage sixth argument (jnr-ffi #181).
     */
    long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

    int fcntl(int fd, int cmd, int arg);

    long lseek(int fd, long offset, int whence);

    int close(int fd);

    String strerror(int errnum);

    int posix_spawn_file_actions_init(Pointer actions);

    int posix_spawn_file_actions_destroy(Pointer actions);

    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

    int posix_spawn_file_actions_addclose(Pointer actions, int fd);

    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    int sigemptyset(Pointer set);

    int sigfillset(Pointer set);

    int posix_spawnp(@Out int[] pid, @In byte[] file, Pointer actions, Pointer attr, Pointer argv, Pointer envp);

    int waitpid(int pid, @Out int[] status, int options);

    int getrlimit(int resource, @Out long[] rlim);

    int statvfs(@In byte[] path, Pointer buf);

    int setrlimit(int resource, @In long[] rlim);

    Libc C = LibraryLoader.create(Libc.class).load("c");
    jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(C);
}
