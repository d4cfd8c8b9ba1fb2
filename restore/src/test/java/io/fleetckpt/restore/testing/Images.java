package io.fleetckpt.restore.testing;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built images for tests, including ones no kernel would produce. */
public final class Images {
    private final List<TaskInfo> infos = new ArrayList<>();
    private final List<List<FdEntry>> tables = new ArrayList<>();
    private final Map<Integer, OpenFile> files = new LinkedHashMap<>();
    private List<FdEntry> current;

    public static Images task(int pid) {
        return new Images().and(pid, 1);
    }

    public Images and(int pid, int ppid) {
        current = new ArrayList<>();
        infos.add(new TaskInfo(pid, pid, ppid, RawBytes.ofUtf8("t" + pid), 0, 0, 0, 0));
        tables.add(current);
        return this;
    }

    /** fd → a new description (objref = next). */
    public Images fd(int fd, FdType type, String path, int flags, long pos) {
        return fd(fd, type, RawBytes.ofUtf8(path), flags, pos, false);
    }

    public Images fd(int fd, FdType type, RawBytes path, int flags, long pos, boolean cloexec) {
        int objref = files.size() + 1;
        files.put(objref, new OpenFile(objref, type, ((flags & 3) + 1) & 3, flags, pos, 0, path));
        current.add(new FdEntry(fd, cloexec, objref));
        return this;
    }

    /** fd → an existing description (a dup or an inherited fd). */
    public Images share(int fd, int objref, boolean cloexec) {
        current.add(new FdEntry(fd, cloexec, objref));
        return this;
    }

    public Image build() {
        List<Task> built = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) built.add(new Task(infos.get(i), 0, tables.get(i)));
        ImageHeader h = new ImageHeader(6, 18, 0, ImageHeader.REV, 0, ImageHeader.FLAGS_CKPT,
                RawBytes.ofUtf8("6.18"), RawBytes.ofUtf8("#1"), RawBytes.ofUtf8("x86_64"));
        return Image.of(h, built, files);
    }
}
