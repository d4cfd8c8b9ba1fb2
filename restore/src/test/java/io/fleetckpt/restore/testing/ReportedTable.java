package io.fleetckpt.restore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** The fd table a restored COMMAND reported about itself (the fdreport helper's output), and its soft fd limit. */
public record ReportedTable(Map<Integer, Fd> fds, String cloexecEnv, long nofileSoft) {
    /** {@code mode}: the file type bits (S_IFMT) of what the fd refers to. */
    public record Fd(int fd, boolean cloexec, long pos, int flags, int mode, String path) {
    }

    public static ReportedTable parse(String text) {
        Map<Integer, Fd> fds = new TreeMap<>();
        String env = null;
        long nofile = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("nofile=")) {
                nofile = Long.parseLong(line.substring(7));
                continue;
            }
            if (line.startsWith("env=")) {
                env = line.substring(4);
                continue;
            }
            int fd = Integer.parseInt(between(line, "fd=", " "));
            boolean coe = between(line, "cloexec=", " ").equals("1");
            long pos = Long.parseLong(between(line, "pos=", " "));
            int flags = Integer.parseInt(between(line, "flags=", " "), 8);
            int mode = Integer.parseInt(between(line, "mode=", " "), 8);
            String path = line.substring(line.indexOf("path=") + 5);
            fds.put(fd, new Fd(fd, coe, pos, flags, mode, path));
        }
        return new ReportedTable(fds, env, nofile);
    }

    /**
     * A live process's table as the kernel reports it in /proc (fdinfo, the fd links, and stat
     * through them), in fdreport's format: what a restored table must match.
     */
    public static String ofProcess(int pid) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (int fd : s.map(p -> Integer.parseInt(p.getFileName().toString())).sorted().toList()) {
                Path link = Path.of("/proc/" + pid + "/fd/" + fd);
                String info = Files.readString(Path.of("/proc/" + pid + "/fdinfo/" + fd));
                String pos = info.lines().filter(l -> l.startsWith("pos:")).findFirst().orElseThrow().substring(4).trim();
                String flags = info.lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow().substring(6).trim();
                int f = Integer.parseInt(flags, 8);
                int mode;
                try {
                    mode = (Integer) Files.getAttribute(link, "unix:mode") & 0170000;
                } catch (IOException e) {
                    mode = 0; // a pipe or socket of another process: fdreport's fstat would see one, stat cannot follow
                }
                sb.append("fd=").append(fd).append(" cloexec=").append((f & 02000000) != 0 ? 1 : 0).append(" pos=").append(pos)
                        .append(" flags=").append(Integer.toOctalString(f)).append(" mode=").append(Integer.toOctalString(mode))
                        .append(" path=").append(Files.readSymbolicLink(link)).append('\n');
            }
        }
        return sb.toString();
    }

    private static String between(String s, String start, String end) {
        int i = s.indexOf(start) + start.length();
        return s.substring(i, s.indexOf(end, i));
    }
}
