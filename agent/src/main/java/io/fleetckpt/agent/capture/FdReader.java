package io.fleetckpt.agent.capture;

import io.fleetckpt.agent.sys.Errno;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.RawBytes;

import java.util.Arrays;

/**
 * Reads one fd at a time of one task: readlinkat on the /proc/PID/fd dirfd (raw bytes),
 * openat + one read + close of /proc/PID/fdinfo/N, a stat following the magic link (statx with
 * cached attributes unless told otherwise, see {@link StatCall}). Six syscalls per fd, none of
 * them on the target's open file description. One reader per thread: it owns its buffers and
 * dirfds.
 */
final class FdReader implements AutoCloseable {
    private static final int PATH_MAX = 4096;

    private final Syscalls sys;
    private final FileStat stat;
    private final byte[] name = new byte[16];
    /*
     * Buffers start small because each call copies its whole buffer out of native memory (no
     * array is pinned, see JnrSyscalls): most names and fdinfo records fit, the rest are read
     * again (a name) or further (fdinfo) into larger ones.
     */
    private final byte[] shortLink = new byte[256];
    private final byte[] longLink = new byte[PATH_MAX + 1];
    private final byte[] shortInfo = new byte[512];
    /** what the last {@link #readFdinfo} filled: {@link #shortInfo}, or a larger copy */
    private byte[] info = shortInfo;
    private final Fdinfo fdinfo = new Fdinfo();
    private final java.util.Map<Integer, int[]> opened = new java.util.HashMap<>();
    private int pid = -1;
    private int fdDir = -1;
    private int infoDir = -1;

    private final CallProbe probe;

    FdReader(Syscalls sys, StatCall statCall) {
        this.sys = sys;
        this.stat = new FileStat(sys, statCall);
        this.probe = new CallProbe(stat.callName());
    }

    /** Where this reader says which call it is in, for the scan's coordinator. */
    CallProbe probe() {
        return probe;
    }

    /**
     * Points the reader at a task, opening its two dirfds the first time: the scanner deals
     * chunks of different tasks in turn, so a reader comes back to a task many times.
     */
    void task(int newPid) throws FdLister.TaskFailure {
        task(newPid, () -> -1);
    }

    /**
     * @param spareFdDir asked only when this reader has no dirfds of the task yet: an open
     *                   /proc/PID/fd dirfd of the task that the reader takes over (closes it with
     *                   its own), or -1 to open one
     */
    void task(int newPid, java.util.function.IntSupplier spareFdDir) throws FdLister.TaskFailure {
        if (newPid == pid) return;
        int[] dirs = opened.get(newPid);
        if (dirs == null) {
            probe.calling(CallProbe.OPEN_DIRS);
            int d = spareFdDir.getAsInt();
            if (d < 0) d = sys.open(ProcNames.path("/proc/" + newPid + "/fd"), Syscalls.O_RDONLY | Syscalls.O_DIRECTORY | Syscalls.O_CLOEXEC);
            if (d < 0) throw FdLister.TaskFailure.ofOpen(newPid, "/proc/" + newPid + "/fd", d);
            int i = sys.open(ProcNames.path("/proc/" + newPid + "/fdinfo"), Syscalls.O_RDONLY | Syscalls.O_DIRECTORY | Syscalls.O_CLOEXEC);
            if (i < 0) {
                sys.close(d);
                throw FdLister.TaskFailure.ofOpen(newPid, "/proc/" + newPid + "/fdinfo", i);
            }
            dirs = new int[] {d, i};
            opened.put(newPid, dirs);
        }
        fdDir = dirs[0];
        infoDir = dirs[1];
        pid = newPid;
    }

    /**
     * Reads fd {@code fd} of the current task.
     *
     * @return the fd, or a {@link TaskError} when it cannot be read (closed meanwhile, refused)
     */
    Object read(int fd) {
        ProcNames.decimal(fd, name);
        probe.calling(CallProbe.READLINK);
        byte[] link = shortLink;
        int linkLen = sys.readlinkat(fdDir, name, link);
        if (linkLen == link.length) { // perhaps cut short: again with room for any path
            link = longLink;
            linkLen = sys.readlinkat(fdDir, name, link);
        }
        if (linkLen < 0) return fdError(fd, "readlink /proc/" + pid + "/fd/" + fd, linkLen);
        if (linkLen > PATH_MAX) return new TaskError(pid, fd, TaskError.Kind.IO, "link text longer than PATH_MAX");

        probe.calling(CallProbe.FDINFO);
        int infoLen = readFdinfo(fd);
        if (infoLen < 0) return fdError(fd, "read /proc/" + pid + "/fdinfo/" + fd, infoLen);
        if (!fdinfo.parse(info, infoLen)) {
            return new TaskError(pid, fd, TaskError.Kind.IO, "fdinfo without pos/flags/mnt_id: "
                    + RawBytes.copyOf(info, 0, infoLen).escaped());
        }

        probe.calling(CallProbe.STAT);
        int st = stat.stat(fdDir, name);
        if (st == -Errno.ENOENT) return fdError(fd, stat.callName() + " /proc/" + pid + "/fd/" + fd, st);
        int flagsAll = fdinfo.flags;
        boolean cloexec = (flagsAll & Syscalls.O_CLOEXEC) != 0;
        int flags = flagsAll & ~Syscalls.O_CLOEXEC;
        long ino = fdinfo.ino;
        FdType type;
        FdType opened; // how the kernel made it, which decides f_mode: a namespace fd was opened by path
        long dev = -1, rdev = 0, size = 0, nlink = 0;
        int statMode = -1;
        int statErrno = 0;
        if (st == 0) {
            statMode = stat.mode();
            opened = FdKinds.ofStatMode(statMode);
            type = FdKinds.pathless(opened, link, linkLen);
            dev = stat.dev();
            rdev = stat.rdev();
            size = stat.size();
            nlink = stat.nlink();
            if (ino < 0) ino = stat.ino(); // kernels before 5.14 have no ino: line
        } else {
            // Recorded anyway with what /proc said: one odd file is no reason to lose the task.
            statErrno = -st;
            type = FdKinds.ofLinkText(link, linkLen);
            opened = type;
        }
        boolean deleted = st == 0 && nlink == 0;
        return new CapturedFd(fd, cloexec, flags, FileMode.of(opened, flags), fdinfo.pos, fdinfo.mntId, ino,
                dev, rdev, size, nlink, statMode, type, deleted, RawBytes.copyOf(link, 0, linkLen),
                fdinfo.extra, statErrno, 0);
    }

    /** One openat + read + close: the seq_file record arrives whole unless it is larger than the buffer. */
    private int readFdinfo(int fd) {
        int f = sys.openat(infoDir, name, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        if (f < 0) return f;
        try {
            info = shortInfo;
            int n = sys.read(f, info);
            if (n < 0) return n;
            int total = n;
            while (total == info.length) { // an epoll with many targets: keep reading
                info = Arrays.copyOf(info, info.length * 4);
                byte[] rest = new byte[info.length - total];
                int m = sys.read(f, rest);
                if (m < 0) return m;
                if (m == 0) break;
                System.arraycopy(rest, 0, info, total, m);
                total += m;
            }
            return total;
        } finally {
            sys.close(f);
        }
    }

    private TaskError fdError(int fd, String call, int negErrno) {
        int e = -negErrno;
        TaskError.Kind kind = switch (e) {
            case Errno.ENOENT -> TaskError.Kind.FD_CLOSED;
            case Errno.EACCES, Errno.EPERM -> TaskError.Kind.PERMISSION;
            case Errno.ESRCH -> TaskError.Kind.EXITED;
            default -> TaskError.Kind.IO;
        };
        String what = kind == TaskError.Kind.FD_CLOSED
                ? call + ": " + Errno.describe(e) + " (fd closed between listing and reading)"
                : call + ": " + Errno.describe(e);
        return new TaskError(pid, fd, kind, what);
    }

    private void closeDirs() {
        for (int[] dirs : opened.values()) {
            sys.close(dirs[0]);
            sys.close(dirs[1]);
        }
        opened.clear();
        fdDir = infoDir = -1;
        pid = -1;
    }

    @Override
    public void close() {
        closeDirs();
    }
}
