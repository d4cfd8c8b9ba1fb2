package io.fleetckpt.agent.freeze;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the cgroup hierarchies the freezer uses are mounted: the v2 (unified) one, pure or
 * hybrid, and the v1 freezer, from /proc/self/mountinfo. Either may be absent.
 */
public record CgroupMounts(Path v2, Path v1Freezer) {

    public static CgroupMounts detect() throws IOException {
        Path v2 = null;
        Path v1 = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            int sep = line.indexOf(" - ");
            if (sep < 0) continue;
            String[] pre = line.substring(0, sep).split(" ");
            String[] post = line.substring(sep + 3).split(" ");
            if (pre.length < 5 || post.length < 3) continue;
            Path mountPoint = Path.of(unescape(pre[4]));
            if (post[0].equals("cgroup2") && v2 == null) v2 = mountPoint;
            if (post[0].equals("cgroup") && v1 == null && List.of(post[2].split(",")).contains("freezer")) v1 = mountPoint;
        }
        return new CgroupMounts(v2, v1);
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** @return the cgroup directory a user named, or null if there is none */
    public Path resolve(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute()) return isCgroup(p) ? p : null;
        for (Path root : new Path[] {v2, v1Freezer}) {
            if (root != null && isCgroup(root.resolve(p))) return root.resolve(p);
        }
        return null;
    }

    private static boolean isCgroup(Path dir) {
        return Files.isRegularFile(dir.resolve("cgroup.procs"));
    }

    public boolean isV2(Path cgroupDir) {
        return v2 != null && cgroupDir.startsWith(v2);
    }

    public boolean isV1Freezer(Path cgroupDir) {
        return v1Freezer != null && cgroupDir.startsWith(v1Freezer);
    }

    /** The v2 cgroup directory a process is in ("0::/path" of /proc/PID/cgroup), or null. */
    public Path v2CgroupOf(int pid) throws IOException {
        if (v2 == null) return null;
        String rel = cgroupLine(pid, "0::");
        return rel == null ? null : v2.resolve(rel.substring(1));
    }

    /** The v1 freezer cgroup directory a process is in, or null. */
    public Path v1FreezerCgroupOf(int pid) throws IOException {
        if (v1Freezer == null) return null;
        for (String line : readCgroupFile(pid)) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains("freezer")) return v1Freezer.resolve(f[2].substring(1));
        }
        return null;
    }

    private static String cgroupLine(int pid, String prefix) throws IOException {
        for (String line : readCgroupFile(pid)) if (line.startsWith(prefix)) return line.substring(prefix.length());
        return null;
    }

    private static List<String> readCgroupFile(int pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup"), StandardCharsets.UTF_8);
    }

    /** Processes of a cgroup and of every cgroup below it. */
    public static List<Integer> procsUnder(Path dir) throws IOException {
        List<Integer> pids = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path d : (Iterable<Path>) walk.filter(Files::isDirectory)::iterator) {
                Path procs = d.resolve("cgroup.procs");
                if (!Files.exists(procs)) continue;
                for (String line : Files.readAllLines(procs, StandardCharsets.US_ASCII)) {
                    if (!line.isBlank()) pids.add(Integer.parseInt(line.trim()));
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return pids;
    }
}
