package io.fleetckpt.format;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects the events of an image or host-stream reader into the {@link Image} model. The first
 * FD_DATA of an objref is kept; a task that shares a table written by an earlier task gets that
 * task's entries, as the model requires.
 */
public final class ImageModelBuilder {
    private final List<Task> tasks = new ArrayList<>();
    private final Map<Integer, OpenFile> openFiles = new TreeMap<>();
    private final Map<Integer, List<FdEntry>> tables = new HashMap<>();
    private RecordStreamReader source;
    private TaskInfo info;
    private int tableRef;
    private List<FdEntry> fds;

    /** Feed every event, in order, with the reader that produced it. */
    public void accept(ImageEvent ev, RecordStreamReader r) {
        source = r;
        switch (ev) {
            case TASK -> {
                finishTask();
                info = r.taskInfo();
                tableRef = r.tableRef();
                if (r.tableRepeat()) {
                    fds = tables.get(tableRef);
                } else {
                    fds = new ArrayList<>(Math.min(r.nfds(), 1024));
                    if (tableRef != 0) tables.put(tableRef, fds);
                }
            }
            case FD -> {
                fds.add(r.fdEntry());
                if (r.fdNew()) openFiles.put(r.fdEntry().objref(), r.openFile());
            }
            case END -> finishTask();
            default -> { }
        }
    }

    private void finishTask() {
        if (info != null) tasks.add(new Task(info, tableRef, fds));
        info = null;
    }

    /** The model; call after END. */
    public Image build() {
        if (source == null || source.header() == null) throw new IllegalStateException("no HEAD read");
        return Image.of(source.header(), tasks, openFiles);
    }
}
