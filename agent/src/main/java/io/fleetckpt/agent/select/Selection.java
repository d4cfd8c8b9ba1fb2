package io.fleetckpt.agent.select;

import io.fleetckpt.agent.capture.TaskError;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processes a capture covers, in TREE order (depth-first pre-order over the selected
 * forest, children by pid), with their stat as read at selection time.
 *
 * @param pids      process ids (thread-group leaders), in TREE order
 * @param stats     stat of each selected pid
 * @param cgroups   cgroups selected as a whole: the freezer freezes these in place
 * @param problems  selectors that named nothing usable (no such pid, unreadable cgroup)
 * @param treePids  pids selected through --tree: their descendants belong to the capture, even
 *                  those forked while the freezer works
 * @param matchedNone the --cgroup and --comm selectors that came across no process to capture
 *                  ({@link Selector#describe()}): not errors, nothing named is missing
 */
public record Selection(List<Integer> pids, Map<Integer, ProcStat> stats, List<Path> cgroups,
                        List<TaskError> problems, Set<Integer> treePids, List<String> matchedNone) {
    public Selection {
        pids = List.copyOf(pids);
        stats = Map.copyOf(stats);
        cgroups = List.copyOf(cgroups);
        problems = List.copyOf(problems);
        treePids = Set.copyOf(treePids);
        matchedNone = List.copyOf(matchedNone);
    }

    /** This selection plus processes found late (forked during freezing), still in TREE order. */
    public Selection with(Map<Integer, ProcStat> late) {
        if (late.isEmpty()) return this;
        Map<Integer, ProcStat> all = new java.util.HashMap<>(stats);
        all.putAll(late);
        Set<Integer> tree = new java.util.HashSet<>(treePids);
        for (ProcStat st : late.values()) if (treePids.contains(st.ppid())) tree.add(st.pid());
        return new Selection(TaskSelector.treeOrder(all), all, cgroups, problems, tree, matchedNone);
    }
}
