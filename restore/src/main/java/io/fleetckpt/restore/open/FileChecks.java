package io.fleetckpt.restore.open;

import io.fleetckpt.format.FileFlags;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.restore.plan.Action;
import io.fleetckpt.restore.plan.DescriptionPlan;
import io.fleetckpt.restore.report.FdStatus;
import io.fleetckpt.restore.sys.OpenFlags;
import io.fleetckpt.restore.sys.SysException;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the opener and the dry run's probe both judge, in the same words: a failed lookup, a
 * changed type, a file now shorter than its position, a placeholder. A dry run that predicts a
 * real run must say what the real run would say.
 */
final class FileChecks {
    static final byte[] DEV_NULL = "/dev/null".getBytes(StandardCharsets.US_ASCII);
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    private FileChecks() {
    }

    static String openFailure(SysException e, String where) {
        return switch (e.errno) {
            case SysException.EXDEV -> "refused: " + where + " escapes the root (through '..')";
            // the resolver follows no symlink (RESOLVE_NO_SYMLINKS): ELOOP is a symlink in the path
            case SysException.ELOOP -> symlinkNow(where);
            case SysException.ENOENT -> "no longer exists: " + where;
            default -> e.getMessage() + " opening " + where;
        };
    }

    /** Why a path that now holds a symlink is not opened (saved paths are resolved ones: it was planted). */
    static String symlinkNow(String where) {
        return "refused: a symbolic link is now in the saved path " + where
                + " (the file system changed since the checkpoint): not followed";
    }

    /** @return why the file now at the path is not the saved kind, or null when it is (or the kind is not checked) */
    static String typeChanged(FdType saved, int nowType, String where) {
        int want = modeOf(saved);
        // an O_PATH|O_NOFOLLOW open holds a trailing symlink rather than refusing it
        if (nowType == S_IFLNK && want != S_IFLNK) return symlinkNow(where);
        return want != 0 && nowType != want ? "type changed: saved " + saved.shortName + ", now " + typeName(nowType) + " at " + where : null;
    }

    /** @return the warning for a regular file now shorter than the saved position, or null */
    static String shorter(int nowType, long size, long pos) {
        return nowType == S_IFREG && size < pos ? "file is now " + size + " bytes, shorter than the saved position " + pos : null;
    }

    /** The warning for status flags F_SETFL did not keep as saved. */
    static String statusFlagsKept(int wanted, int kept) {
        return "status flags: wanted " + statusNames(wanted) + ", kernel kept " + statusNames(kept);
    }

    private static String statusNames(int flags) {
        if (flags == 0) return "none";
        String s = OpenFlags.describe(flags);
        return s.substring(s.indexOf('|') + 1);
    }

    /** The flags a placeholder for {@code plan} is opened with: the saved access mode (O_RDWR for mode 3). */
    static int placeholderFlags(DescriptionPlan plan) {
        int acc = plan.file().flags() & FileFlags.O_ACCMODE;
        return acc == 3 ? FileFlags.O_RDWR : acc;
    }

    static String placeholderWhy(DescriptionPlan plan) {
        return plan.why() + "; /dev/null " + OpenFlags.describe(placeholderFlags(plan)) + " in its place";
    }

    static String placeholderFailed(DescriptionPlan plan, SysException e) {
        return plan.why() + "; and /dev/null failed: " + e.getMessage();
    }

    static OpenedDescription failed(DescriptionPlan plan, String why) {
        return new OpenedDescription(plan, -1, FdStatus.FAILED, why, List.of());
    }

    /** Skipped and failed-by-policy descriptions: nothing to open, in a real run or a dry one. */
    static OpenedDescription notOpened(DescriptionPlan plan) {
        return new OpenedDescription(plan, -1, plan.action() == Action.SKIP ? FdStatus.SKIPPED
                : FdStatus.FAILED, plan.why(), List.of());
    }

    private static int modeOf(FdType t) {
        return switch (t) {
            case FILE -> S_IFREG;
            case DIR -> 0040000;
            case CHR -> 0020000;
            case BLK -> 0060000;
            case SYMLINK -> S_IFLNK;
            default -> 0;
        };
    }

    private static String typeName(int mode) {
        return switch (mode) {
            case S_IFREG -> "REG";
            case 0040000 -> "DIR";
            case 0020000 -> "CHR";
            case 0060000 -> "BLK";
            case S_IFLNK -> "LINK";
            case 0010000 -> "FIFO";
            case 0140000 -> "SOCK";
            default -> "mode 0" + Integer.toOctalString(mode);
        };
    }
}
