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

    /** The highest fd number any restored task gets; the restorer parks its own copies above it. */
    public int maxFd() {
        return tasks.stream().mapToInt(TaskPlan::maxFd).max().orElse(-1);
    }

    public DescriptionPlan description(FdPlacement p) {
        return descriptions.get(p.objref());
    }

    public long count(Action a) {
        return descriptions.values().stream().filter(d -> d.action() == a).count();
    }
}
