package io.fleetckpt.restore.report;

import java.util.List;

/**
 * One restored task: its pid in the image, the pid of its COMMAND (0 when none ran), the soft
 * RLIMIT_NOFILE its COMMAND gets (or would, in a dry run), its fds.
 */
public record TaskReport(int imagePid, String comm, int pid, boolean sharedTable, long fdLimit, List<FdReport> fds) {
    public TaskReport {
        fds = List.copyOf(fds);
    }
}
