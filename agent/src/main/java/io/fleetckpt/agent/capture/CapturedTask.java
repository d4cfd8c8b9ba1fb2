package io.fleetckpt.agent.capture;

import io.fleetckpt.format.model.TaskInfo;

import java.util.List;

/**
 * One captured process and its complete fd table.
 *
 * @param info       pid, tgid, ppid, comm and the TASK numbers, from /proc/PID/stat as read
 *                   at selection time (before freezing, so the state is the task's own)
 * @param tableOwner 0, or the pid of the earlier task whose fd table this one shares
 *                   (CLONE_FILES without being a thread); then {@code fds} are that table's
 * @param tableRef   0 for a private table, else the shared table's objref (same for all sharers)
 * @param fds        the table in ascending fd order
 */
public record CapturedTask(TaskInfo info, int tableOwner, int tableRef, List<CapturedFd> fds) {
    public CapturedTask {
        fds = List.copyOf(fds);
    }

    public int pid() {
        return info.pid();
    }
}
