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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/** Random valid models: shared and inherited open files, shared tables, hostile-but-legal names. */
public final class RandomImages {
    private final Random rnd;

    public RandomImages(long seed) {
        this.rnd = new Random(seed);
    }

    public Image next(boolean strictV13) {
        ImageHeader h = new ImageHeader(rnd.nextInt(0x10000), rnd.nextInt(0x10000), rnd.nextInt(0x10000), 3,
                rnd.nextLong(), rnd.nextInt(2), noNul(rnd.nextInt(65)), noNul(rnd.nextInt(65)), noNul(rnd.nextInt(65)));
        int ntasks = rnd.nextInt(7);
        Map<Integer, OpenFile> files = new HashMap<>();
        List<Integer> ids = new ArrayList<>();
        List<Task> tasks = new ArrayList<>();
        Map<Integer, List<FdEntry>> tables = new HashMap<>();
        int nextId = 1 + rnd.nextInt(1000);
        TreeSet<Integer> pids = new TreeSet<>();
        for (int t = 0; t < ntasks; t++) {
            int pid;
            do pid = 1 + rnd.nextInt(rnd.nextBoolean() ? 50 : Integer.MAX_VALUE - 1); while (!pids.add(pid));
            TaskInfo info = new TaskInfo(pid, rnd.nextBoolean() ? pid : 1 + rnd.nextInt(100000), rnd.nextInt(100000),
                    noNul(rnd.nextInt(17)), rnd.nextInt(), rnd.nextInt(), rnd.nextInt(), rnd.nextInt());
            if (!strictV13 && !tables.isEmpty() && rnd.nextInt(4) == 0) {
                int ref = new ArrayList<>(tables.keySet()).get(rnd.nextInt(tables.size()));
                tasks.add(new Task(info, ref, tables.get(ref)));
                continue;
            }
            List<FdEntry> fds = new ArrayList<>();
            int fd = -1;
            int n = rnd.nextInt(rnd.nextInt(10) == 0 ? 300 : 12);
            for (int i = 0; i < n; i++) {
                fd += 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(5000) : 0);
                int id;
                if (!ids.isEmpty() && rnd.nextInt(3) == 0) {
                    id = ids.get(rnd.nextInt(ids.size()));
                } else {
                    id = nextId;
                    nextId += 1 + rnd.nextInt(7);
                    ids.add(id);
                    files.put(id, openFile(id, strictV13));
                }
                fds.add(new FdEntry(fd, rnd.nextBoolean(), id));
            }
            int tableRef = 0;
            if (!strictV13 && rnd.nextInt(4) == 0) {
                tableRef = 100000 + rnd.nextInt(100000);
                while (tables.containsKey(tableRef)) tableRef++;
                tables.put(tableRef, fds);
            }
            tasks.add(new Task(info, tableRef, fds));
        }
        return Image.of(h, tasks, files);
    }

    private OpenFile openFile(int id, boolean strictV13) {
        FdType type = FdType.ofCode(1 + rnd.nextInt(strictV13 ? 2 : 8));
        int len = switch (rnd.nextInt(20)) {
            case 0 -> 0;
            case 1 -> 4095;
            default -> rnd.nextInt(120);
        };
        int flags;
        int mode = rnd.nextInt(0x10000) & ~(FileFlags.FMODE_READ | FileFlags.FMODE_WRITE | FileFlags.FMODE_PATH);
        if (rnd.nextInt(8) == 0) {
            flags = FileFlags.O_PATH | (rnd.nextInt() & (FileFlags.O_DIRECTORY | FileFlags.O_NOFOLLOW));
            mode |= FileFlags.FMODE_PATH;
        } else {
            flags = rnd.nextInt() & KEPT;
            if (type == FdType.ANON && rnd.nextInt(4) == 0) flags |= FileFlags.O_EXCL; // a pidfd's PIDFD_THREAD
            if (strictV13 && rnd.nextInt(4) == 0) flags |= FileFlags.O_CLOEXEC | 0x40000000; // 2.6.28 kept both
            mode |= FileFlags.openFmode(flags);
        }
        return new OpenFile(id, type, mode, flags, rnd.nextLong(), rnd.nextInt(5) == 0 ? rnd.nextLong() : 0, noNul(len));
    }

    /** The f_flags bits a kernel keeps in any open file that is not O_PATH. */
    private static final int KEPT = FileFlags.KNOWN_FLAGS & ~(FileFlags.OPEN_ONLY | FileFlags.O_CLOEXEC | FileFlags.O_PATH);

    /** Bytes 1..255: any byte but NUL, non-UTF-8 included. */
    RawBytes noNul(int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (1 + rnd.nextInt(255));
        return RawBytes.copyOf(b);
    }
}
