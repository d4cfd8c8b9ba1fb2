package io.fleetckpt.format;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.record.FdDataRecord;
import io.fleetckpt.format.record.FdEntRecord;
import io.fleetckpt.format.record.FilesRecord;
import io.fleetckpt.format.record.FnameRecord;
import io.fleetckpt.format.record.HeadRecord;
import io.fleetckpt.format.record.PidsEntry;
import io.fleetckpt.format.record.RecordOutput;
import io.fleetckpt.format.record.StringRecord;
import io.fleetckpt.format.record.TailRecord;
import io.fleetckpt.format.record.TaskRecord;
import io.fleetckpt.format.record.TreeRecord;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Encodes model objects into records, in the order the grammar requires, for both the image
 * writer and the host-stream section writer. Model objrefs are identities: the encoder renumbers
 * them 1, 2, 3... in first-seen order (TREE order, then ascending fd; a shared table takes its
 * number when its first task's FILES is written), one numbering for open files and tables.
 */
public final class ImageEncoder {
    private final boolean dataOnEveryFd;
    private final boolean strictV13;
    private final IntIntMap files = new IntIntMap();
    private final IntIntMap tables = new IntIntMap();
    /** Entries of each shared table, by model identity, to check later sharers list the same. */
    private final Map<Integer, List<FdEntry>> tableEntries = new HashMap<>();
    private int lastObjref;
    private int[] treePids = new int[0];
    private int tasksWritten;
    private long fdsWritten;

    /**
     * @param dataOnEveryFd host-stream sections: FD_DATA + FNAME after every FD_ENT, not only
     *                      after an objref's first one
     */
    public ImageEncoder(boolean dataOnEveryFd, boolean strictV13) {
        this.dataOnEveryFd = dataOnEveryFd;
        this.strictV13 = strictV13;
    }

    /** HEAD, TREE and the pids array; {@code tree} in depth-first pre-order. */
    public void writeHead(RecordOutput out, ImageHeader header, List<TaskInfo> tree) throws IOException {
        HeadRecord.write(out, header);
        TreeRecord.write(out, tree.size());
        treePids = new int[tree.size()];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < tree.size(); i++) {
            TaskInfo t = tree.get(i);
            if (!seen.add(t.pid())) throw new IllegalArgumentException("pid " + t.pid() + " appears twice in the tree");
            treePids[i] = t.pid();
            new PidsEntry(t.pid(), t.tgid(), t.ppid()).write(out);
        }
    }

    /** One task section; tasks must come in tree order. {@code openFiles} resolves model objrefs. */
    public void writeTask(RecordOutput out, Task task, IntFunction<OpenFile> openFiles) throws IOException {
        TaskInfo info = task.info();
        if (tasksWritten >= treePids.length) {
            throw new IllegalArgumentException("task " + info.pid() + " is beyond the " + treePids.length + " tasks of the tree");
        }
        if (treePids[tasksWritten] != info.pid()) {
            throw new IllegalArgumentException("task " + info.pid() + " written where the tree has pid " + treePids[tasksWritten]);
        }
        int tableRef = 0;
        boolean repeat = false;
        if (task.tableRef() != 0) {
            if (strictV13) throw new IllegalArgumentException("task " + info.pid() + " shares fd table " + task.tableRef() + "; strict v13 has no shared tables");
            int known = tables.get(task.tableRef());
            if (known != IntIntMap.MISSING) {
                tableRef = known;
                repeat = true;
                if (!tableEntries.get(task.tableRef()).equals(task.fds())) {
                    throw new IllegalArgumentException("task " + info.pid() + " shares fd table " + task.tableRef()
                            + " but lists other entries than the task that wrote it");
                }
            } else {
                tableRef = ++lastObjref;
                tables.put(task.tableRef(), tableRef);
                tableEntries.put(task.tableRef(), task.fds());
            }
        }
        TaskRecord.of(info).write(out);
        StringRecord.writeComm(out, info.comm());
        List<FdEntry> fds = task.fds();
        new FilesRecord(tableRef, repeat ? 0 : fds.size()).write(out, info.pid());
        if (!repeat) writeFds(out, info.pid(), tableRef, fds, openFiles);
        tasksWritten++;
    }

    private void writeFds(RecordOutput out, int pid, int tableRef, List<FdEntry> fds,
                          IntFunction<OpenFile> openFiles) throws IOException {
        int prevFd = -1;
        for (int i = 0, n = fds.size(); i < n; i++) {
            FdEntry e = fds.get(i);
            if (e.fd() <= prevFd) throw new IllegalArgumentException("task " + pid + ": fd " + e.fd() + " after fd " + prevFd + " (fds must ascend)");
            prevFd = e.fd();
            int ref = files.get(e.objref());
            boolean isNew = ref == IntIntMap.MISSING;
            if (isNew) {
                ref = ++lastObjref;
                files.put(e.objref(), ref);
            }
            FdEntRecord.write(out, tableRef, ref, e.fd(), e.closeOnExec());
            if (isNew || dataOnEveryFd) {
                OpenFile f = openFiles.apply(e.objref());
                if (f == null) throw new IllegalArgumentException("task " + pid + " fd " + e.fd() + ": no open file for objref " + e.objref());
                try {
                    FdDataRecord.of(f).write(out, ref, strictV13);
                    FnameRecord.write(out, f.path());
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("task " + pid + " fd " + e.fd() + ": " + ex.getMessage(), ex);
                }
            }
            fdsWritten++;
        }
    }

    public void writeTail(RecordOutput out) throws IOException {
        if (tasksWritten != treePids.length) {
            throw new IllegalArgumentException("TAIL after " + tasksWritten + " of the " + treePids.length + " tasks of the tree");
        }
        TailRecord.write(out);
    }

    public int tasksWritten() {
        return tasksWritten;
    }

    public long fdsWritten() {
        return fdsWritten;
    }

    /** Objrefs given so far (open files and shared tables). */
    public int objrefCount() {
        return lastObjref;
    }
}
