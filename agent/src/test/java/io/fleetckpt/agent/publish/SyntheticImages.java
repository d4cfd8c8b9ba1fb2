package io.fleetckpt.agent.publish;

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
 * Host images of a chosen size: a parent and children, each with {@code fds} descriptors; fds 0-2
 * of every task share the parent's open files (inherited), the rest are the task's own files.
 */
final class SyntheticImages {
    private SyntheticImages() {
    }

    static Image image(int tasks, int fds) {
        ImageHeader h = new ImageHeader(6, 1, 0, ImageHeader.REV, 1_764_720_000L, ImageHeader.FLAGS_CKPT,
                RawBytes.ofUtf8("6.1.0-test"), RawBytes.ofUtf8("#1 SMP"), RawBytes.ofUtf8("x86_64"));
        Map<Integer, OpenFile> files = new TreeMap<>();
        int next = 1;
        int[] std = new int[3];
        for (int i = 0; i < 3; i++) {
            std[i] = next;
            files.put(next, new OpenFile(next, FdType.CHR, 0x0f, 2, 0, 0, RawBytes.ofUtf8("/dev/pts/" + i)));
            next++;
        }
        List<Task> list = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int pid = 1000 + t;
            TaskInfo info = new TaskInfo(pid, pid, t == 0 ? 1 : 1000, RawBytes.ofUtf8("worker-" + t), 0, 0, 0, 0);
            List<FdEntry> entries = new ArrayList<>();
            for (int fd = 0; fd < fds; fd++) {
                int ref;
                if (fd < 3) {
                    ref = std[fd];
                } else {
                    ref = next++;
                    files.put(ref, new OpenFile(ref, fd % 5 == 0 ? FdType.FIFO : FdType.FILE, 0x0d, 0, fd * 10L, 0,
                            RawBytes.ofUtf8(fd % 5 == 0 ? "pipe:[" + ref + "]" : "/var/data/task" + t + "/file-" + fd + ".dat")));
                }
                entries.add(new FdEntry(fd, fd % 2 == 1, ref));
            }
            list.add(new Task(info, 0, entries));
        }
        return Image.of(h, list, files);
    }

    static CapturedHost host(int tasks, int fds) {
        return new CapturedHost(image(tasks, fds), 1_764_720_000_123L, true, 1500, null);
    }
}
