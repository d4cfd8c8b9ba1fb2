package io.fleetckpt.restore.open;

import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.restore.plan.DescriptionPlan;
import io.fleetckpt.restore.report.FdStatus;
import io.fleetckpt.restore.sys.Sys;
import io.fleetckpt.restore.sys.SysException;

import java.util.ArrayList;
import java.util.List;

import static io.fleetckpt.format.FileFlags.*;
import static io.fleetckpt.restore.sys.OpenFlags.PATH_KEPT;
import static io.fleetckpt.restore.sys.OpenFlags.SETFL_MASK;

/**
 * The dry run's prediction for one description, with no side effect on the file: the path is
 * looked up as the real open would (same root, same openat2 resolve rules, O_DIRECTORY and
 * O_NOFOLLOW as saved) but with O_PATH, which opens nothing for I/O (no device open, no FIFO
 * wait, no atime), then fstat checks the type and size, faccessat2 the permission for the saved
 * access mode, and the fd is closed. The outcome carries no fd and says what the opener would:
 * restored (with the warnings it would give), placeholder, skipped, or failed and why.
 *
 * <p>Not predicted, because only a real open or F_SETFL finds them: a driver's or file system's
 * own refusal at open (ENXIO, EBUSY, a sysfs file without a write method), LSM open hooks,
 * ETXTBSY, O_DIRECT where the file system has no direct I/O, and any change to the files between
 * the dry run and the real one.
 */
public final class DescriptionProbe {
    private static final int S_IFDIR = 0040000;
    private static final int EISDIR = 21;
    private final PathResolver resolver;
    private final boolean mayNoatimeAny;
    private final long euid;

    public DescriptionProbe(PathResolver resolver) {
        this.resolver = resolver;
        this.euid = Sys.geteuid();
        this.mayNoatimeAny = Sys.hasCapability(Sys.CAP_FOWNER);
    }

    public OpenedDescription probe(DescriptionPlan plan) {
        return switch (plan.action()) {
            case OPEN -> reopenable(plan);
            case PLACEHOLDER -> placeholder(plan);
            case SKIP, FAIL -> FileChecks.notOpened(plan);
        };
    }

    private OpenedDescription reopenable(DescriptionPlan plan) {
        OpenFile f = plan.file();
        int saved = f.flags();
        boolean pathOnly = (saved & O_PATH) != 0;
        String where = resolver.describe(plan.relativePath());
        int fd;
        try {
            fd = resolver.open(plan.relativePath(), (saved & PATH_KEPT) | O_PATH | O_CLOEXEC);
        } catch (SysException e) {
            return FileChecks.failed(plan, FileChecks.openFailure(e, where));
        }
        try {
            long[] st = Sys.fstat(fd);
            int nowType = (int) (st[0] & Sys.S_IFMT);
            // O_PATH|O_NOFOLLOW holds a final symlink; the real open without O_PATH gets ELOOP there
            if (!pathOnly && (saved & O_NOFOLLOW) != 0 && nowType == FileChecks.S_IFLNK) {
                return FileChecks.failed(plan, FileChecks.symlinkNow(where));
            }
            String changed = FileChecks.typeChanged(f.type(), nowType, where);
            if (changed != null) return FileChecks.failed(plan, changed);
            List<String> warnings = new ArrayList<>();
            if (!pathOnly) {
                if (nowType == S_IFDIR && (saved & O_ACCMODE) != O_RDONLY) {
                    return FileChecks.failed(plan, FileChecks.openFailure(new SysException("openat2", EISDIR), where));
                }
                String denied = denied(fd, saved & O_ACCMODE, where);
                if (denied != null) return FileChecks.failed(plan, denied);
                int want = saved & SETFL_MASK;
                // F_SETFL refuses O_NOATIME to whoever neither owns the file nor has CAP_FOWNER
                if ((want & O_NOATIME) != 0 && st[2] != euid && !mayNoatimeAny) {
                    warnings.add(FileChecks.statusFlagsKept(want, want & ~O_NOATIME));
                }
                String shorter = FileChecks.shorter(nowType, st[1], f.pos());
                if (shorter != null) warnings.add(shorter);
            }
            return new OpenedDescription(plan, -1, FdStatus.RESTORED, null, warnings);
        } catch (SysException e) {
            return FileChecks.failed(plan, e.getMessage() + " on " + where);
        } finally {
            Sys.close(fd);
        }
    }

    private OpenedDescription placeholder(DescriptionPlan plan) {
        try {
            int fd = Sys.openat2(Sys.AT_FDCWD, FileChecks.DEV_NULL, O_PATH | O_CLOEXEC, 0);
            try {
                Sys.faccess(fd, accessMode(FileChecks.placeholderFlags(plan)));
            } finally {
                Sys.close(fd);
            }
            return new OpenedDescription(plan, -1, FdStatus.PLACEHOLDER, FileChecks.placeholderWhy(plan), List.of());
        } catch (SysException e) {
            return FileChecks.failed(plan, FileChecks.placeholderFailed(plan, e));
        }
    }

    /** @return why the saved access mode would be refused, in the words of the real open's refusal, or null */
    private static String denied(int fd, int accessMode, String where) {
        try {
            Sys.faccess(fd, accessMode(accessMode));
            return null;
        } catch (SysException e) {
            return FileChecks.openFailure(new SysException("openat2", e.errno), where);
        }
    }

    /** open's own rule (ACC_MODE): read for O_RDONLY, write for O_WRONLY, both for O_RDWR and mode 3. */
    private static int accessMode(int acc) {
        return switch (acc) {
            case O_RDONLY -> Sys.R_OK;
            case O_WRONLY -> Sys.W_OK;
            default -> Sys.R_OK | Sys.W_OK;
        };
    }
}
