package io.fleetckpt.aggregator.resolve;

import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.record.TaskRecord;

import java.util.List;

/**
 * One task section of a host stream as the agent sent it: objrefs are the stream's own
 * (equal objref = same open file description within this host stream).
 *
 * @param pid        FILES.parent: which TREE entry the section belongs to
 * @param tableRef   FILES.objref: 0 for a private table, else the stream's shared-table ref
 * @param streamOffset where the section's TASK record starts in the host stream
 */
public record TaskSection(int pid, TaskRecord task, RawBytes comm, int tableRef, List<StreamFd> fds,
                          long streamOffset) {
    public TaskSection {
        fds = List.copyOf(fds);
    }
}
