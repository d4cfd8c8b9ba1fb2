package io.fleetckpt.format.model;

import java.util.List;

/**
 * A task of the image with its fd table in ascending fd order. {@code tableRef} is 0 for a
 * private table (as in v13) or the objref of a table shared by several processes (CLONE_FILES
 * without threads); every task that shares a table lists the same entries here, while the image
 * writes them once, under the first such task.
 */
public record Task(TaskInfo info, int tableRef, List<FdEntry> fds) {
    public Task {
        fds = List.copyOf(fds);
    }
}
