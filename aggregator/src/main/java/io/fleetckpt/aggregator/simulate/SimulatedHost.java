package io.fleetckpt.aggregator.simulate;

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
 * A made-up host for benchmarks and tests: a root task with {@code tasks - 1} children, each
 * with {@code fds} fds. Shapes that matter for resolution are all there: stdio (fds 0-2)
 * inherited by every task (one open file shared across tasks), a dup of the previous fd every
 * tenth fd (shared within a task), a pipe, a directory, distinct positions. Deterministic in
 * (host index, tasks, fds).
 */
public final class SimulatedHost {
    private SimulatedHost() {
    }

    public static Image image(int hostIndex, int tasks, int fds) {
        if (tasks < 1 || fds < 3) throw new IllegalArgumentException("need at least 1 task and 3 fds");
        ImageHeader header = new ImageHeader(6, 8, 0, ImageHeader.REV, 1_796_000_000L + hostIndex, ImageHeader.FLAGS_CKPT,
                RawBytes.ofUtf8("6.8.0-sim"), RawBytes.ofUtf8("#1 SMP sim"), RawBytes.ofUtf8("x86_64"));
        Map<Integer, OpenFile> files = new TreeMap<>();
        int nextRef = 1;
        int[] stdio = new int[3];
        for (int i = 0; i < 3; i++) {
            stdio[i] = nextRef++;
            files.put(stdio[i], new OpenFile(stdio[i], FdType.CHR, 0x0f, 2, 0, 0, RawBytes.ofUtf8("/dev/pts/" + hostIndex)));
        }
        int rootPid = 1000;
        List<Task> list = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            int pid = rootPid + t;
            int ppid = t == 0 ? 1 : rootPid;
            TaskInfo info = new TaskInfo(pid, pid, ppid, RawBytes.ofUtf8("sim-" + t), 1, 0, 0, 17);
            List<FdEntry> entries = new ArrayList<>(fds);
            for (int fd = 0; fd < 3; fd++) entries.add(new FdEntry(fd, false, stdio[fd]));
            int prev = stdio[2];
            for (int fd = 3; fd < fds; fd++) {
                int ref;
                if (fd % 10 == 0) {
                    ref = prev; // dup(2) of the fd before
                } else {
                    ref = nextRef++;
                    files.put(ref, openFile(ref, hostIndex, t, fd));
                }
                entries.add(new FdEntry(fd, fd % 7 == 0, ref));
                prev = ref;
            }
            list.add(new Task(info, 0, entries));
        }
        return Image.of(header, list, files);
    }

    private static OpenFile openFile(int ref, int host, int task, int fd) {
        if (fd == 3) return new OpenFile(ref, FdType.FIFO, 0x01, 0, 0, 0, RawBytes.ofUtf8("pipe:[" + (40_000 + task) + "]"));
        if (fd == 4) return new OpenFile(ref, FdType.DIR, 0x0d, 0x10000, 0, 0, RawBytes.ofUtf8("/srv/sim/host-" + host));
        return new OpenFile(ref, FdType.FILE, 0x0f, 0x402, 4096L * fd + task, 0,
                RawBytes.ofUtf8("/srv/sim/host-" + host + "/task-" + task + "/data-" + fd + ".log"));
    }
}
