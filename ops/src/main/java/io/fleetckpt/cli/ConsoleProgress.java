package io.fleetckpt.cli;

import io.fleetckpt.restore.pull.ProgressListener;
import io.fleetckpt.restore.pull.StoredImageRef;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr for images large enough to wait for; redrawn only when the
 * percentage changes, so a fast copy costs nothing.
 */
final class ConsoleProgress implements ProgressListener {
    static final long MIN_BYTES = 1 << 20;
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private int lastPercent = -1;

    ConsoleProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void progress(StoredImageRef ref, long done, long total) {
        if (total < MIN_BYTES) return;
        int pct = (int) (done * 100 / total);
        if (pct == lastPercent) return;
        lastPercent = pct;
        int fill = pct * WIDTH / 100;
        err.printf("\r%-20s [%s%s] %3d%% %,d/%,d bytes", ref.hostId(), "#".repeat(fill), " ".repeat(WIDTH - fill), pct, done, total);
        if (done >= total) endLine();
        err.flush();
    }

    /** Ends a bar left unfinished (a copy that failed half-way), so the error gets a line of its own. */
    void endLine() {
        if (lastPercent < 0) return;
        err.println();
        err.flush();
        lastPercent = -1;
    }
}
