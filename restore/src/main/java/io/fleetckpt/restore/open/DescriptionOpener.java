package io.fleetckpt.restore.open;

import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.restore.plan.DescriptionPlan;
import io.fleetckpt.restore.report.FdStatus;
import io.fleetckpt.restore.sys.OpenFlags;
import io.fleetckpt.restore.sys.Sys;
import io.fleetckpt.restore.sys.SysException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static io.fleetckpt.format.FileFlags.*;
import static io.fleetckpt.restore.sys.OpenFlags.*;

/**
 * Opens one description as its plan says: by path under the root with the saved flags (never
 * creating or truncating), status flags applied with F_SETFL and read back, seeked to the saved
 * position, type checked against the image, then kept at a number no restored table uses.
 */
public final class DescriptionOpener {
    /** Status flags F_SETFL may refuse on their own, tried away in this order (0: all saved flags). */
    private static final int[] REFUSABLE = {0, O_NOATIME, O_DIRECT, O_NOATIME | O_DIRECT, O_NOATIME | O_DIRECT | FASYNC};

    private final PathResolver resolver;
    private final BitSet targets;

    /** @param targets the fd numbers of the restored tables: the restorer's copies must stay off them */
    public DescriptionOpener(PathResolver resolver, BitSet targets) {
        this.resolver = resolver;
        this.targets = targets;
    }

    public OpenedDescription open(DescriptionPlan plan) {
        return switch (plan.action()) {
            case OPEN -> reopen(plan);
            case PLACEHOLDER -> placeholder(plan);
            case SKIP, FAIL -> FileChecks.notOpened(plan);
        };
    }

    private OpenedDescription reopen(DescriptionPlan plan) {
        OpenFile f = plan.file();
        int saved = f.flags();
        boolean pathOnly = (saved & O_PATH) != 0;
        // Status flags are left out of open() and set with F_SETFL right after: O_NONBLOCK at open
        // keeps a path that now names a FIFO or device from hanging the restorer, and O_DIRECT
        // where the filesystem refuses it becomes a reported flag difference, not a failed fd.
        // openat2 refuses O_PATH with any flag beside O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC
        // (open(2) drops the others silently); O_PATH opens nothing for I/O, so none is needed.
        int flags = pathOnly ? (saved & PATH_KEPT) | O_PATH | O_CLOEXEC
                : (saved & ~(CREATING | KERNEL_INTERNAL | O_CLOEXEC | O_NOCTTY | SETFL_MASK)) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
        String where = resolver.describe(plan.relativePath());
        int fd;
        try {
            fd = resolver.open(plan.relativePath(), flags);
        } catch (SysException e) {
            return failed(plan, FileChecks.openFailure(e, where));
        }
        try {
            List<String> warnings = new ArrayList<>();
            long[] st = Sys.fstat(fd);
            int nowType = (int) (st[0] & Sys.S_IFMT);
            String changed = FileChecks.typeChanged(f.type(), nowType, where);
            if (changed != null) {
                Sys.close(fd);
                return failed(plan, changed);
            }
            if (!pathOnly) {
                String wrong = applyStatusFlags(fd, saved, warnings);
                if (wrong != null) {
                    Sys.close(fd);
                    return failed(plan, wrong + " at " + where);
                }
                seek(fd, f, st[1], nowType, warnings);
            }
            int parked = park(fd);
            return new OpenedDescription(plan, parked, FdStatus.RESTORED, null, warnings);
        } catch (SysException e) {
            Sys.close(fd);
            return failed(plan, e.getMessage() + " on " + where);
        }
    }

    private OpenedDescription placeholder(DescriptionPlan plan) {
        int flags = FileChecks.placeholderFlags(plan) | O_CLOEXEC | O_NOCTTY;
        try {
            int fd = Sys.openat2(Sys.AT_FDCWD, FileChecks.DEV_NULL, flags, 0);
            return new OpenedDescription(plan, park(fd), FdStatus.PLACEHOLDER, FileChecks.placeholderWhy(plan), List.of());
        } catch (SysException e) {
            return failed(plan, FileChecks.placeholderFailed(plan, e));
        }
    }

    /** @return why the description cannot be used (wrong access mode), or null */
    private static String applyStatusFlags(int fd, int saved, List<String> warnings) throws SysException {
        int want = saved & SETFL_MASK;
        // F_SETFL refuses the whole call for one flag (O_DIRECT where the file system has no direct
        // I/O, O_NOATIME on a file we do not own): then the others are set without it, so that the
        // O_NONBLOCK the open used is not left behind on an fd that never had it. What is missing
        // becomes a warning, and the read-back says what the kernel kept.
        int r = -1;
        for (int drop : REFUSABLE) {
            if (drop != 0 && (want & drop) == 0) continue;
            r = Sys.fcntlUnchecked(fd, F_SETFL, want & ~drop);
            if (r >= 0) break;
        }
        int got = Sys.fcntl(fd, F_GETFL, 0);
        if (r < 0 || (got & SETFL_MASK) != want) {
            warnings.add(FileChecks.statusFlagsKept(want, got & SETFL_MASK));
        }
        if ((got & O_ACCMODE) != (saved & O_ACCMODE)) {
            return "opened " + OpenFlags.describe(got & O_ACCMODE) + " instead of " + OpenFlags.describe(saved & O_ACCMODE);
        }
        return null;
    }

    private static void seek(int fd, OpenFile f, long size, int nowType, List<String> warnings) throws SysException {
        long pos = f.pos();
        String shorter = FileChecks.shorter(nowType, size, pos);
        if (shorter != null) warnings.add(shorter);
        try {
            long at = Sys.lseek(fd, pos);
            if (at != pos) warnings.add("seek to " + pos + " landed at " + at);
        } catch (SysException e) {
            if (e.errno != SysException.ESPIPE || pos != 0) warnings.add("cannot seek to " + pos + ": " + e.getMessage());
        }
    }

    /**
     * Moves a copy off the target numbers. F_DUPFD_CLOEXEC picks the lowest free number at or
     * above its argument atomically, so no other thread's fd can be clobbered; a result that is a
     * target is given back and the search goes on from the next non-target number.
     */
    private int park(int fd) throws SysException {
        if (!targets.get(fd)) return fd;
        try {
            int from = targets.nextClearBit(fd);
            while (true) {
                int r = Sys.fcntl(fd, F_DUPFD_CLOEXEC, from);
                if (!targets.get(r)) return r;
                Sys.close(r);
                from = targets.nextClearBit(r);
            }
        } finally {
            Sys.close(fd);
        }
    }

    private static OpenedDescription failed(DescriptionPlan plan, String why) {
        return FileChecks.failed(plan, why);
    }
}
