package io.fleetckpt.format;

import io.fleetckpt.format.model.FdType;

import java.util.ArrayList;
import java.util.List;

import static io.fleetckpt.format.FileFlags.*;

/**
 * Which f_flags and f_mode an open file can really have, so that the reader refuses an FD_DATA
 * no kernel could have produced rather than call it valid and leave restore to trip on it.
 * Deliberately not refused, because a kernel shows them: access mode 3 (an ioctl-only open, no
 * READ/WRITE in f_mode), __O_TMPFILE (an O_TMPFILE open keeps it; restore refuses it by policy),
 * O_LARGEFILE, FASYNC, O_DIRECT, O_NOATIME, and the kernel-internal __FMODE_EXEC and
 * __FMODE_NONOTIFY bits.
 *
 * <p>Strict v13 judges by what the v13 kernel (2.6.28) wrote: its {@code __dentry_open} kept
 * open(2)'s flags as given, O_CLOEXEC and unknown bits included (masking them came later), but
 * cleared O_CREAT, O_EXCL, O_NOCTTY and O_TRUNC, and it had no O_PATH, so without FMODE_PATH an
 * O_PATH bit is one of those unknown bits and READ/WRITE follow the access mode.
 */
public final class OpenFileRules {
    /** pidfd_open(PIDFD_THREAD) keeps PIDFD_THREAD, which is O_EXCL, in the pidfd's f_flags (measured: 0202). */
    private static final int PIDFD_THREAD = O_EXCL;

    private OpenFileRules() {
    }

    /** @return what is wrong with {@code flags} for a file of {@code type}, or null */
    public static String flagsProblem(FdType type, int flags, boolean strictV13) {
        List<String> wrong = new ArrayList<>(3);
        int consumed = flags & OPEN_ONLY;
        if (type == FdType.ANON) consumed &= ~PIDFD_THREAD;
        if (consumed != 0) {
            wrong.add(describeFlagBits(consumed) + ", which open(2) consumes: the kernel clears them from an open file's f_flags");
        }
        if (!strictV13 && (flags & O_CLOEXEC) != 0) {
            wrong.add("O_CLOEXEC, which is per fd (FD_ENT close_on_exec), never in an open file's f_flags");
        }
        int unknown = flags & ~KNOWN_FLAGS;
        if (!strictV13 && unknown != 0) {
            wrong.add(String.format("unknown bits 0x%x (x86-64 Linux defines 0x%x: the open flags of asm-generic/fcntl.h"
                    + " and __FMODE_EXEC, __FMODE_NONOTIFY)", unknown, KNOWN_FLAGS));
        }
        if (wrong.isEmpty()) return null;
        return String.format("0x%x (%s) holds %s", flags, describeFlags(flags), String.join("; and ", wrong));
    }

    /** @return what is wrong with {@code mode} given the file's {@code flags}, or null */
    public static String modeProblem(int mode, int flags, boolean strictV13) {
        boolean pathMode = (mode & FMODE_PATH) != 0;
        boolean pathFlag = (flags & O_PATH) != 0 && (pathMode || !strictV13);
        int rw = mode & (FMODE_READ | FMODE_WRITE);
        String problem = null;
        if (pathFlag && !pathMode) {
            problem = "lacks FMODE_PATH, which every O_PATH file has";
        } else if (pathMode && !pathFlag) {
            problem = "has FMODE_PATH, which only an O_PATH file has";
        } else if (pathFlag && rw != 0) {
            problem = "has " + describeMode(rw) + ", which an O_PATH file never has (no I/O at all)";
        } else if (!pathFlag && rw != openFmode(flags)) {
            problem = "has " + (rw == 0 ? "neither FMODE_READ nor FMODE_WRITE" : describeMode(rw)) + " where access mode "
                    + (flags & O_ACCMODE) + " gives " + (openFmode(flags) == 0 ? "neither" : describeMode(openFmode(flags)))
                    + " (the kernel's OPEN_FMODE: (f_flags + 1) & O_ACCMODE)";
        }
        if (problem == null) return null;
        return String.format("0x%x (%s) %s; f_flags 0x%x (%s)", mode, describeMode(mode), problem, flags, describeFlags(flags));
    }
}
