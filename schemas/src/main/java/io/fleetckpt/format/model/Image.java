package io.fleetckpt.format.model;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.Collections;

/**
 * An fd-table image in memory: header, tasks in TREE order (depth-first pre-order), and the open
 * file descriptions they reference, by objref.
 */
public record Image(ImageHeader header, List<Task> tasks, SortedMap<Integer, OpenFile> openFiles) {
    public Image {
        tasks = List.copyOf(tasks);
        openFiles = Collections.unmodifiableSortedMap(new TreeMap<>(openFiles));
    }

    public static Image of(ImageHeader header, List<Task> tasks, Map<Integer, OpenFile> openFiles) {
        return new Image(header, tasks, new TreeMap<>(openFiles));
    }

    public OpenFile file(FdEntry e) {
        return openFiles.get(e.objref());
    }

    public long fdCount() {
        return tasks.stream().mapToLong(t -> t.fds().size()).sum();
    }
}
