package io.fleetckpt.format;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Images for tests. {@link #golden()} is the model that src/test/c/golden.c writes byte for byte;
 * change both together. Its model objrefs are deliberately not 1..n (identities, renumbered by
 * the writer).
 */
public final class SampleImages {
    private SampleImages() {
    }

    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_APPEND = 02000, O_NONBLOCK = 04000,
            O_LARGEFILE = 0100000, O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000, O_CLOEXEC = 02000000, O_PATH = 010000000;
    public static final int FMODE_PATH = 0x4000;

    public static ImageHeader goldenHeader() {
        return new ImageHeader(6, 12, 0, 3, 1764720000L, 1, RawBytes.ofUtf8("6.12.0-fleet"),
                RawBytes.ofUtf8("#1 SMP PREEMPT_DYNAMIC Mon Dec  1 00:00:00 UTC 2026"), RawBytes.ofUtf8("x86_64"));
    }

    public static Image golden() {
        Map<Integer, OpenFile> files = new TreeMap<>();
        add(files, 501, FdType.CHR, 0x0f, O_RDWR | O_LARGEFILE, 0, "/dev/null");
        add(files, 502, FdType.FIFO, 0x02, O_WRONLY, 0, "pipe:[40123]");
        add(files, 503, FdType.FILE, 0x0e, O_WRONLY | O_APPEND | O_LARGEFILE, 4096, "/var/log/app.log");
        add(files, 504, FdType.DIR, 0x0d, O_RDONLY | O_DIRECTORY | O_LARGEFILE, 48, "/data");
        add(files, 505, FdType.SOCK, 0x03, O_RDWR | O_NONBLOCK, 0, "socket:[77001]");
        add(files, 506, FdType.ANON, 0x03, O_RDWR | O_NONBLOCK, 0, "anon_inode:[eventfd]");
        add(files, 507, FdType.FILE, 0x0f, O_RDWR | O_LARGEFILE, 123456789012L, "/tmp/scratch (deleted)");
        add(files, 508, FdType.FILE, 0x0d, O_RDONLY | O_LARGEFILE, 12, "/etc/hosts");
        add(files, 509, FdType.BLK, 0x0d, O_RDONLY | O_LARGEFILE, 0, "/dev/sda");
        add(files, 510, FdType.SYMLINK, FMODE_PATH, O_PATH | O_NOFOLLOW, 0, "/usr/bin/tool");
        files.put(511, new OpenFile(511, FdType.FILE, 0x0d, O_RDONLY, 7, 0,
                RawBytes.copyOf(new byte[] {'/', 't', 'm', 'p', '/', (byte) 0xff, 0x01, 'n', '\\', 'a', 'm', 'e'})));

        List<FdEntry> shared = List.of(new FdEntry(0, false, 501), new FdEntry(4, false, 509),
                new FdEntry(8, true, 510), new FdEntry(10, false, 511));
        List<Task> tasks = List.of(
                new Task(info(100, 100, 1, "init-sh"), 0, List.of(new FdEntry(0, false, 501),
                        new FdEntry(1, false, 502), new FdEntry(2, false, 502), new FdEntry(3, false, 503),
                        new FdEntry(4, true, 504), new FdEntry(5, true, 505), new FdEntry(6, false, 506))),
                new Task(info(101, 101, 100, "worker"), 0, List.of(new FdEntry(0, false, 501),
                        new FdEntry(1, false, 502), new FdEntry(3, false, 503), new FdEntry(7, false, 507),
                        new FdEntry(9, true, 508))),
                new Task(info(102, 102, 100, "sharer-a"), 9001, shared),
                new Task(info(103, 103, 102, "sharer-b"), 9001, shared),
                new Task(info(104, 104, 100, "abcdefghijklmnop"), 0, List.of()));
        return Image.of(goldenHeader(), tasks, files);
    }

    /** The golden model as the reader gives it back: objrefs renumbered in first-seen order. */
    public static Image goldenRenumbered() {
        return renumber(golden());
    }

    /** Renumbers a model's objrefs (files and tables) 1..n in first-seen order, as the writer does. */
    public static Image renumber(Image img) {
        Map<Integer, Integer> fileMap = new java.util.HashMap<>();
        Map<Integer, Integer> tableMap = new java.util.HashMap<>();
        int next = 1;
        List<Task> tasks = new ArrayList<>();
        Map<Integer, OpenFile> files = new TreeMap<>();
        for (Task t : img.tasks()) {
            int table = 0;
            boolean repeat = false;
            if (t.tableRef() != 0) {
                repeat = tableMap.containsKey(t.tableRef());
                if (!repeat) tableMap.put(t.tableRef(), next++);
                table = tableMap.get(t.tableRef());
            }
            List<FdEntry> fds = new ArrayList<>();
            for (FdEntry e : t.fds()) {
                Integer r = fileMap.get(e.objref());
                if (r == null && !repeat) {
                    r = next++;
                    fileMap.put(e.objref(), r);
                    OpenFile f = img.openFiles().get(e.objref());
                    files.put(r, new OpenFile(r, f.type(), f.mode(), f.flags(), f.pos(), f.version(), f.path()));
                }
                fds.add(new FdEntry(e.fd(), e.closeOnExec(), r));
            }
            tasks.add(new Task(t.info(), table, fds));
        }
        return Image.of(img.header(), tasks, files);
    }

    static TaskInfo info(int pid, int tgid, int ppid, String comm) {
        return new TaskInfo(pid, tgid, ppid, RawBytes.ofUtf8(comm), 1, 0, 0, 0);
    }

    private static void add(Map<Integer, OpenFile> files, int id, FdType type, int mode, int flags, long pos, String path) {
        files.put(id, new OpenFile(id, type, mode, flags, pos, 0, RawBytes.ofUtf8(path)));
    }
}
