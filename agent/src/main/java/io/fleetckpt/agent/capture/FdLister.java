package io.fleetckpt.agent.capture;

import io.fleetckpt.agent.sys.Errno;
import io.fleetckpt.agent.sys.Syscalls;

import java.util.Arrays;

/** Lists the fd numbers of a task with getdents64 on a /proc/PID/fd dirfd. */
final class FdLister {
    private final Syscalls sys;
    /** Reused per thread: a 64 KiB getdents buffer per capture would be most of a small capture's garbage. */
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[64 * 1024]);
    private final byte[] buf = BUFFER.get();

    FdLister(Syscalls sys) {
        this.sys = sys;
    }

    /** @return the fd numbers in ascending order */
    int[] list(int pid) throws TaskFailure {
        Listing l = listKeepingDir(pid);
        sys.close(l.fdDir());
        return l.fds();
    }

    /**
     * The fd numbers and the open /proc/PID/fd dirfd they were listed with: a reader of the task
     * can take it over rather than open the directory again.
     */
    record Listing(int[] fds, int fdDir) {
    }

    Listing listKeepingDir(int pid) throws TaskFailure {
        int dfd = sys.open(ProcNames.path("/proc/" + pid + "/fd"), Syscalls.O_RDONLY | Syscalls.O_DIRECTORY | Syscalls.O_CLOEXEC);
        if (dfd < 0) throw TaskFailure.ofOpen(pid, "/proc/" + pid + "/fd", dfd);
        boolean listed = false;
        try {
            int[] fds = new int[256];
            int n = 0;
            while (true) {
                int r = sys.getdents64(dfd, buf);
                if (r < 0) throw TaskFailure.ofOpen(pid, "getdents64 /proc/" + pid + "/fd", r);
                if (r == 0) break;
                int off = 0;
                while (off < r) {
                    int reclen = (buf[off + 16] & 0xff) | (buf[off + 17] & 0xff) << 8;
                    int fd = parseName(buf, off + 19);
                    if (fd >= 0) {
                        if (n == fds.length) fds = Arrays.copyOf(fds, n * 2);
                        fds[n++] = fd;
                    }
                    off += reclen;
                }
            }
            int[] out = Arrays.copyOf(fds, n);
            Arrays.sort(out);
            listed = true;
            return new Listing(out, dfd);
        } finally {
            if (!listed) sys.close(dfd);
        }
    }

    /** Decimal fd name, or -1 for "." and "..". */
    private static int parseName(byte[] b, int off) {
        int v = 0;
        int i = off;
        if (b[i] == 0) return -1;
        for (; b[i] != 0; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) return -1;
            v = v * 10 + d;
        }
        return v;
    }

    /** A failure that concerns the whole task. */
    static final class TaskFailure extends Exception {
        final TaskError error;

        TaskFailure(TaskError error) {
            super(error.toString());
            this.error = error;
        }

        static TaskFailure ofOpen(int pid, String what, int negErrno) {
            int e = -negErrno;
            TaskError.Kind kind = switch (e) {
                case Errno.ENOENT, Errno.ESRCH -> TaskError.Kind.EXITED;
                case Errno.EACCES, Errno.EPERM -> TaskError.Kind.PERMISSION;
                default -> TaskError.Kind.IO;
            };
            return new TaskFailure(TaskError.task(pid, kind, what + ": " + Errno.describe(e)));
        }
    }
}
