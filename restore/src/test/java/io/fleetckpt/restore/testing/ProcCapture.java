package io.fleetckpt.restore.testing;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.restore.sys.Sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A minimal capture for tests: an {@link Image} of live processes from /proc (readlink, fdinfo,
 * stat) with sharing decided by kcmp, objrefs numbered in task then fd order as the format does.
 * The processes must hold still (the test's own helpers do), so there is no freezing.
 */
public final class ProcCapture {
    private ProcCapture() {
    }

    public static Image capture(int... pids) throws Exception {
        Map<Integer, OpenFile> files = new LinkedHashMap<>();
        List<int[]> owners = new ArrayList<>(); // objref-1 -> {pid, fd} of its first user
        List<Task> tasks = new ArrayList<>();
        for (int pid : pids) {
            List<FdEntry> fds = new ArrayList<>();
            for (int fd : fdNumbers(pid)) {
                String info = Files.readString(Path.of("/proc/" + pid + "/fdinfo/" + fd));
                long pos = Long.parseLong(field(info, "pos:"));
                int flags = Integer.parseInt(field(info, "flags:"), 8);
                boolean cloexec = (flags & 02000000) != 0;
                int objref = 0;
                for (int i = 0; i < owners.size() && objref == 0; i++) {
                    if (Sys.kcmpFile(owners.get(i)[0], pid, owners.get(i)[1], fd) == 0) objref = i + 1;
                }
                if (objref == 0) {
                    owners.add(new int[] {pid, fd});
                    objref = owners.size();
                    Path link = Path.of("/proc/" + pid + "/fd/" + fd);
                    byte[] target = Files.readSymbolicLink(link).toString().getBytes(StandardCharsets.UTF_8);
                    int acc = flags & 3;
                    files.put(objref, new OpenFile(objref, type(link, target), (acc + 1) & 3, flags & ~02000000, pos, 0,
                            RawBytes.copyOf(target)));
                }
                fds.add(new FdEntry(fd, cloexec, objref));
            }
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int ppid = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
            String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            tasks.add(new Task(new TaskInfo(pid, pid, ppid, RawBytes.ofUtf8(comm), 0, 0, 0, 0), 0, fds));
        }
        ImageHeader h = new ImageHeader(6, 18, 0, ImageHeader.REV, System.currentTimeMillis() / 1000,
                ImageHeader.FLAGS_CKPT, RawBytes.ofUtf8("6.18"), RawBytes.ofUtf8("#1"), RawBytes.ofUtf8("x86_64"));
        return Image.of(h, tasks, files);
    }

    private static List<Integer> fdNumbers(int pid) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.map(p -> Integer.parseInt(p.getFileName().toString())).sorted().toList();
        }
    }

    private static String field(String info, String name) {
        for (String line : info.split("\n")) if (line.startsWith(name)) return line.substring(name.length()).trim();
        throw new IllegalStateException("no " + name + " in fdinfo");
    }

    private static FdType type(Path link, byte[] target) throws IOException {
        String t = new String(target, StandardCharsets.UTF_8);
        if (t.startsWith("anon_inode:")) return FdType.ANON;
        int mode = (Integer) Files.getAttribute(link, "unix:mode") & 0170000;
        return switch (mode) {
            case 0100000 -> FdType.FILE;
            case 0040000 -> FdType.DIR;
            case 0020000 -> FdType.CHR;
            case 0060000 -> FdType.BLK;
            case 0010000 -> FdType.FIFO;
            case 0140000 -> FdType.SOCK;
            case 0120000 -> FdType.SYMLINK;
            default -> FdType.ANON;
        };
    }
}
