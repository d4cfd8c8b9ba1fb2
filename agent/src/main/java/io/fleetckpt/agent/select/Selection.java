package io.fleetckpt.agent.select;

import io.fleetckpt.agent.capture.TaskError;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The processes a capture covers, in TREE order (depth-first pre-order over the selected
 * forest, children by pid), with their stat as read at selection time.
 *
 * @param pids      process ids (thread-group leaders), in TREE order
 * @param stats     stat of each selected pid
 * @param cgroups   cgroups selected as a whole: the freezer freezes these in place
 * @param problems  selectors that named nothing usable (no such pid, unreadable cgroup)
 */
public record Selection(List<Integer> pids, Map<Integer, ProcStat> stats, List<Path> cgroups,
                        List<TaskError> problems) {
    public Selection {
        pids = List.copyOf(pids);
        stats = Map.copyOf(stats);
        cgroups = List.copyOf(cgroups);
        problems = List.copyOf(problems);
    }
}
