package io.fleetckpt.aggregator.resolve;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.record.PidsEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a host stream's sections into the image model: tasks in TREE order, image-wide objrefs
 * 1, 2, 3... in first-seen order (task order, then ascending fd; a shared table takes its
 * number when its first task is reached, before that task's fds, as the image reader counts),
 * and each open file described once. The result depends only on the stream's content, never on
 * the order its sections arrived in.
 */
public final class ObjrefResolver {

    public Image resolve(ParsedStream stream) throws StreamFormatException {
        Map<Integer, TaskSection> byPid = new HashMap<>();
        for (TaskSection s : stream.sections()) {
            TaskSection before = byPid.putIfAbsent(s.pid(), s);
            if (before != null) {
                throw new StreamFormatException(s.streamOffset(), "second task section for pid " + s.pid()
                        + " (first at stream offset " + before.streamOffset() + ")");
            }
        }
        for (TaskSection s : stream.sections()) {
            if (stream.tree().stream().noneMatch(p -> p.vpid() == s.pid())) {
                throw new StreamFormatException(s.streamOffset(), "task section for pid " + s.pid() + ", which TREE does not list");
            }
        }

        // the agent may send a shared table's entries with any one of its tasks
        Map<Integer, TaskSection> tableSource = new HashMap<>();
        for (TaskSection s : stream.sections()) {
            if (s.tableRef() != 0 && !s.fds().isEmpty()) tableSource.putIfAbsent(s.tableRef(), s);
        }

        int fdTotal = 0;
        for (TaskSection s : stream.sections()) fdTotal += s.fds().size();
        int capacity = Math.min(fdTotal, 1 << 22) * 4 / 3 + 16; // sized once: rehashing showed in profiles
        Map<Integer, Integer> fileRefs = new HashMap<>(capacity);   // stream objref -> image objref
        Map<Integer, OpenFile> firstSeen = new HashMap<>(capacity); // stream objref -> its description
        Map<Integer, Integer> tableRefs = new HashMap<>();  // stream table ref -> image objref
        Map<Integer, List<FdEntry>> tables = new HashMap<>(); // image table objref -> entries
        TreeMap<Integer, OpenFile> openFiles = new TreeMap<>();
        List<Task> tasks = new ArrayList<>(stream.tree().size());
        int next = 1;

        for (PidsEntry p : stream.tree()) {
            TaskSection s = byPid.get(p.vpid());
            if (s == null) throw new StreamFormatException(-1, "TREE lists pid " + p.vpid() + " but no task section for it arrived");
            TaskInfo info = new TaskInfo(p.vpid(), p.vtgid(), p.vppid(), s.comm(), s.task().state(),
                    s.task().exitState(), s.task().exitCode(), s.task().exitSignal());
            int imageTable = 0;
            if (s.tableRef() != 0) {
                if (fileRefs.containsKey(s.tableRef())) {
                    throw new StreamFormatException(s.streamOffset(), "FILES.objref " + s.tableRef() + " of pid " + s.pid()
                            + " names an open file, not an fd table");
                }
                Integer known = tableRefs.get(s.tableRef());
                if (known != null) {
                    List<FdEntry> shared = tables.get(known);
                    if (!s.fds().isEmpty() && !sameTable(s, shared, fileRefs)) {
                        throw new StreamFormatException(s.streamOffset(), "pid " + s.pid() + " shares fd table "
                                + s.tableRef() + " but lists different fds than the task that shares it first");
                    }
                    tasks.add(new Task(info, known, shared));
                    continue;
                }
                imageTable = next++;
                tableRefs.put(s.tableRef(), imageTable);
            }
            List<StreamFd> source = s.tableRef() == 0 ? s.fds() : tableSource.getOrDefault(s.tableRef(), s).fds();
            List<FdEntry> fds = new ArrayList<>(source.size());
            for (StreamFd fd : source) {
                int streamRef = fd.entry().objref();
                if (tableRefs.containsKey(streamRef)) {
                    throw new StreamFormatException(fd.streamOffset(), "FD_ENT objref " + streamRef + " names an fd table");
                }
                Integer imageRef = fileRefs.get(streamRef);
                if (imageRef == null) {
                    imageRef = next++;
                    fileRefs.put(streamRef, imageRef);
                    firstSeen.put(streamRef, fd.file());
                    OpenFile f = fd.file();
                    openFiles.put(imageRef, new OpenFile(imageRef, f.type(), f.mode(), f.flags(), f.pos(), f.version(), f.path()));
                } else if (!sameDescription(firstSeen.get(streamRef), fd.file())) {
                    throw new StreamFormatException(fd.streamOffset(), "objref " + streamRef + " (fd " + fd.entry().fd()
                            + " of pid " + s.pid() + ") describes a different open file than its first use: "
                            + firstSeen.get(streamRef).path() + " vs " + fd.file().path());
                }
                fds.add(new FdEntry(fd.entry().fd(), fd.entry().closeOnExec(), imageRef));
            }
            if (imageTable != 0) tables.put(imageTable, fds);
            tasks.add(new Task(info, imageTable, fds));
        }
        return Image.of(stream.header(), tasks, openFiles);
    }

    private static boolean sameTable(TaskSection s, List<FdEntry> shared, Map<Integer, Integer> fileRefs) {
        if (s.fds().size() != shared.size()) return false;
        for (int i = 0; i < shared.size(); i++) {
            StreamFd fd = s.fds().get(i);
            FdEntry e = shared.get(i);
            Integer ref = fileRefs.get(fd.entry().objref());
            if (ref == null || ref != e.objref() || fd.entry().fd() != e.fd() || fd.entry().closeOnExec() != e.closeOnExec()) {
                return false;
            }
        }
        return true;
    }

    /** Equal stream objref promises the same open file description: same data, same name. */
    private static boolean sameDescription(OpenFile a, OpenFile b) {
        return a.type() == b.type() && a.mode() == b.mode() && a.flags() == b.flags() && a.pos() == b.pos()
                && a.version() == b.version() && a.path().equals(b.path());
    }
}
