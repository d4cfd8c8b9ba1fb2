package io.fleetckpt.restore.testing;

import java.util.Map;
import java.util.TreeMap;

/** The fd table a restored COMMAND reported about itself (the fdreport helper's output), and its soft fd limit. */
public record ReportedTable(Map<Integer, Fd> fds, String cloexecEnv, long nofileSoft) {
    public record Fd(int fd, boolean cloexec, long pos, int flags, String path) {
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
            String path = line.substring(line.indexOf("path=") + 5);
            fds.put(fd, new Fd(fd, coe, pos, flags, path));
        }
        return new ReportedTable(fds, env, nofile);
    }

    private static String between(String s, String start, String end) {
        int i = s.indexOf(start) + start.length();
        return s.substring(i, s.indexOf(end, i));
    }
}
