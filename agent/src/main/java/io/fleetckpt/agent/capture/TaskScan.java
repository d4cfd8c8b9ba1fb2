package io.fleetckpt.agent.capture;

import java.util.List;

/**
 * What one scan found for one task: its fds in ascending order, or the errors that made the
 * table incomplete (then {@code fds} must not be used as the task's table).
 */
public record TaskScan(int pid, List<CapturedFd> fds, List<TaskError> errors) {
    public TaskScan {
        fds = List.copyOf(fds);
        errors = List.copyOf(errors);
    }

    public boolean complete() {
        return errors.isEmpty();
    }

    /** Same fds with the same values (objrefs aside): two scans agree. */
    public boolean agreesWith(TaskScan o) {
        if (!complete() || !o.complete() || fds.size() != o.fds.size()) return false;
        for (int i = 0; i < fds.size(); i++) if (!fds.get(i).sameScan(o.fds.get(i))) return false;
        return true;
    }
}
