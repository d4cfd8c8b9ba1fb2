package io.fleetckpt.restore.plan;

import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;

import java.nio.charset.StandardCharsets;

/** Decides, from the image alone, whether a description can be reopened by its path. */
final class Reopenability {
    private static final byte[] DELETED = " (deleted)".getBytes(StandardCharsets.US_ASCII);

    private Reopenability() {
    }

    /** @return null when the description can be reopened by path, else why not */
    static String whyNot(OpenFile f) {
        FdType t = f.type();
        if (t == null) return "unknown file type";
        switch (t) {
            case FIFO:
                return "pipe or FIFO: its other end and buffered data are not in the image";
            case SOCK:
                return "socket: a connection cannot be reopened by path";
            case ANON:
                return "anonymous inode (" + f.path().escaped() + "): no path to reopen";
            default:
                break;
        }
        RawBytes p = f.path();
        if (p.length() == 0 || p.byteAt(0) != '/') return "no filesystem path (" + p.escaped() + ")";
        // The kernel marks an unlinked file by this suffix; a live file literally named so is
        // indistinguishable here and is treated as deleted (the safe side: nothing is opened).
        if (p.endsWith(DELETED)) return "deleted file: its name no longer reaches it";
        return null;
    }
}
