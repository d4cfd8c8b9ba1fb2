package io.fleetckpt.restore.plan;

import io.fleetckpt.format.model.TaskInfo;

import java.util.List;

/** The fd table one COMMAND gets, in ascending fd order. */
public record TaskPlan(TaskInfo info, boolean sharedTable, List<FdPlacement> fds) {
    public TaskPlan {
        fds = List.copyOf(fds);
    }

    public int pid() {
        return info.pid();
    }

    public int maxFd() {
        return fds.isEmpty() ? -1 : fds.get(fds.size() - 1).fd();
    }
}
