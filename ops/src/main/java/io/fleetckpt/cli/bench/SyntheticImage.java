package io.fleetckpt.cli.bench;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A large, realistic image model for the codec benchmark: a process tree of workers under one
 * root; stdio and a log inherited from the root, about a third of each task's fds inherited from
 * its parent (same open file), the rest its own (data files, sockets, pipes, eventfds) with path
 * lengths like real ones; every tenth task shares its parent's fd table (CLONE_FILES).
 */
public final class SyntheticImage {
    private SyntheticImage() {
    }

    public static Image build(int tasks, int fdsPerTask, long seed) {
        Random rnd = new Random(seed);
        Map<Integer, OpenFile> files = new HashMap<>();
        int[] nextId = {1};
        List<Task> out = new ArrayList<>(tasks);
        List<FdEntry> rootFds = new ArrayList<>();
        for (int fd = 0; fd < fdsPerTask; fd++) rootFds.add(new FdEntry(fd, fd > 2, newFile(files, nextId, rnd, fd)));
        out.add(new Task(info(1000, 1, "supervisor"), 0, rootFds));
        int groupParent = 0;
        for (int t = 1; t < tasks; t++) {
            // depth-first pre-order: groups of ten, each a child of the root with nine children
            boolean groupHead = (t - 1) % 10 == 0;
            if (groupHead) groupParent = t;
            Task parent = out.get(groupHead ? 0 : groupParent);
            TaskInfo info = info(1000 + t, parent.info().pid(), "worker-" + (t % 1000));
            if (!groupHead && t % 10 == 9) {
                // a CLONE_FILES child: shares the group head's table; the head's table is shared
                Task head = out.get(groupParent);
                int ref = 1_000_000_000 + groupParent;
                if (head.tableRef() == 0) out.set(groupParent, new Task(head.info(), ref, head.fds()));
                out.add(new Task(info, ref, head.fds()));
                continue;
            }
            List<FdEntry> fds = new ArrayList<>(fdsPerTask);
            List<FdEntry> pf = parent.fds();
            for (int fd = 0; fd < fdsPerTask; fd++) {
                boolean inherit = fd < 3 || (fd < pf.size() && rnd.nextInt(3) == 0);
                int id = inherit && fd < pf.size() ? pf.get(fd).objref() : newFile(files, nextId, rnd, fd);
                fds.add(new FdEntry(fd, !inherit && rnd.nextBoolean(), id));
            }
            out.add(new Task(info, 0, fds));
        }
        ImageHeader h = new ImageHeader(6, 12, 0, ImageHeader.REV, 1764720000L, ImageHeader.FLAGS_CKPT,
                RawBytes.ofUtf8("6.12.0-bench"), RawBytes.ofUtf8("#1 SMP PREEMPT_DYNAMIC"), RawBytes.ofUtf8("x86_64"));
        return Image.of(h, out, files);
    }

    private static TaskInfo info(int pid, int ppid, String comm) {
        return new TaskInfo(pid, pid, ppid, RawBytes.ofUtf8(comm), 1, 0, 0, 0);
    }

    private static int newFile(Map<Integer, OpenFile> files, int[] nextId, Random rnd, int fd) {
        int id = nextId[0]++;
        FdType type;
        String path;
        int flags;
        int k = rnd.nextInt(20);
        if (fd == 0) {
            type = FdType.CHR; path = "/dev/null"; flags = 0100002;
        } else if (k < 12) {
            type = FdType.FILE; flags = 0102001;
            path = String.format("/var/lib/fleet/app-%02d/data/shard-%04d/segment-%08d.log",
                    rnd.nextInt(100), rnd.nextInt(10000), rnd.nextInt(100_000_000));
        } else if (k < 15) {
            type = FdType.SOCK; flags = 04002; path = "socket:[" + (100000 + rnd.nextInt(900000)) + "]";
        } else if (k < 17) {
            type = FdType.FIFO; flags = 1; path = "pipe:[" + (100000 + rnd.nextInt(900000)) + "]";
        } else if (k < 19) {
            type = FdType.ANON; flags = 04002; path = "anon_inode:[eventfd]";
        } else {
            type = FdType.DIR; flags = 0300000; path = "/srv/fleet/shared/config.d";
        }
        files.put(id, new OpenFile(id, type, ((flags + 1) & 3) | 0xc, flags, rnd.nextInt(1 << 20), 0, RawBytes.ofUtf8(path)));
        return id;
    }
}
