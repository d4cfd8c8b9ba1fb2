package io.fleetckpt.restore.plan;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a restore will do, decided before anything is opened: the tasks to run, each
 * description once (by objref, image-wide, so a description shared by several tasks is opened
 * once and handed to each), the root paths resolve under ({@code null}: the real root) and the
 * policy for what cannot be reopened.
 */
public record RestorePlan(List<TaskPlan> tasks, SortedMap<Integer, DescriptionPlan> descriptions, Path root,
                          UnrestorablePolicy policy) {
    public RestorePlan {
        tasks = List.copyOf(tasks);
        descriptions = Collections.unmodifiableSortedMap(new TreeMap<>(descriptions));
    }

    /**
     * Every fd number any restored task gets. The restorer keeps its own copies of the
     * descriptions only at other numbers, so no dup2 into one COMMAND's table can overwrite a
     * copy that a later dup2 still needs, whatever the order.
     */
    public java.util.BitSet targetNumbers() {
        java.util.BitSet b = new java.util.BitSet();
        for (TaskPlan t : tasks) for (FdPlacement p : t.fds()) b.set(p.fd());
        return b;
    }

    public DescriptionPlan description(FdPlacement p) {
        return descriptions.get(p.objref());
    }

    public long count(Action a) {
        return descriptions.values().stream().filter(d -> d.action() == a).count();
    }
}
