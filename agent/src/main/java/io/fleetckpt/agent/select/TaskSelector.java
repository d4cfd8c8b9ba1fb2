package io.fleetckpt.agent.select;

import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.freeze.CgroupMounts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns selectors into the processes to capture, read from /proc. Threads fold into their
 * process; the agent's own process is never selected (it cannot freeze itself), nor are kernel
 * threads (no fd table of their own, and no freezer cgroup takes them): naming one with --pid or
 * --tree is an error, matching one by comm or cgroup passes over it. Zombies likewise: named, an
 * error; come across in a tree, a cgroup or by comm, passed over (they have exited).
 */
public final class TaskSelector {
    private final int self;
    private final CgroupMounts mounts;

    public TaskSelector(int selfPid, CgroupMounts mounts) {
        this.self = selfPid;
        this.mounts = mounts;
    }

    public Selection select(List<Selector> selectors) throws IOException {
        Map<Integer, ProcStat> all = null; // the whole /proc, read only if a selector needs it
        Set<Integer> chosen = new LinkedHashSet<>();
        Set<Integer> tree = new java.util.HashSet<>();
        Set<Integer> named = new java.util.HashSet<>();
        List<Path> cgroups = new ArrayList<>();
        List<TaskError> problems = new ArrayList<>();
        // what each --cgroup and --comm came across: one that ends with no process is said to match none
        Map<Selector, List<Integer>> found = new java.util.LinkedHashMap<>();
        for (Selector s : selectors) {
            if (s instanceof Selector.Pid p) {
                int tgid = tgidOf(p.pid());
                if (tgid < 0) problems.add(TaskError.task(p.pid(), TaskError.Kind.NOT_FOUND, "no such process"));
                else {
                    chosen.add(tgid);
                    named.add(tgid);
                }
            } else if (s instanceof Selector.Tree t) {
                int tgid = tgidOf(t.pid());
                if (tgid < 0) {
                    problems.add(TaskError.task(t.pid(), TaskError.Kind.NOT_FOUND, "no such process"));
                    continue;
                }
                named.add(tgid);
                if (all == null) all = readAll();
                Map<Integer, List<Integer>> children = children(all);
                ArrayList<Integer> stack = new ArrayList<>(List.of(tgid));
                while (!stack.isEmpty()) {
                    int p = stack.remove(stack.size() - 1);
                    chosen.add(p);
                    tree.add(p);
                    stack.addAll(children.getOrDefault(p, List.of()));
                }
            } else if (s instanceof Selector.Cgroup c) {
                Path dir = mounts.resolve(c.path());
                if (dir == null) {
                    problems.add(TaskError.selector(c, TaskError.Kind.NOT_FOUND, "no such cgroup"));
                    continue;
                }
                if (dir.equals(mounts.v2()) || dir.equals(mounts.v1Freezer())) {
                    // a root has no freeze control, and moving every process of the host into
                    // the agent's frozen cgroup would freeze the host
                    problems.add(TaskError.selector(c, TaskError.Kind.NOT_FOUND,
                            "the root of its hierarchy, which cannot be frozen: name a cgroup below it"));
                    continue;
                }
                cgroups.add(dir);
                List<Integer> procs = CgroupMounts.procsUnder(dir);
                chosen.addAll(procs);
                found.computeIfAbsent(s, x -> new ArrayList<>()).addAll(procs);
            } else if (s instanceof Selector.Comm c) {
                if (all == null) all = readAll();
                for (ProcStat st : all.values()) {
                    if (c.regex().matcher(new String(st.comm().toByteArray(), StandardCharsets.UTF_8)).find()) {
                        chosen.add(st.pid());
                        found.computeIfAbsent(s, x -> new ArrayList<>()).add(st.pid());
                    }
                }
                found.putIfAbsent(s, new ArrayList<>());
            }
        }
        chosen.remove(self);

        Map<Integer, ProcStat> stats = new HashMap<>();
        for (int p : chosen) {
            ProcStat st = all != null && all.containsKey(p) ? all.get(p) : ProcStat.read(p);
            if (st == null || st.gone()) {
                // a process (or zombie) that a --tree, --cgroup or --comm came across and that has
                // exited is like one already reaped: nothing of it is missing from the capture
                if (named.contains(p)) {
                    problems.add(TaskError.task(p, TaskError.Kind.EXITED, "process exited before the capture"));
                }
            } else if (st.kernelThread()) {
                if (named.contains(p)) {
                    problems.add(TaskError.task(p, TaskError.Kind.NOT_FOUND, "a kernel thread: it has no fd table to capture"));
                }
            } else {
                stats.put(p, st);
            }
        }
        tree.retainAll(stats.keySet());
        List<String> matchedNone = new ArrayList<>();
        found.forEach((s, pids) -> {
            if (pids.stream().noneMatch(stats::containsKey)) matchedNone.add(s.describe());
        });
        return new Selection(treeOrder(stats), stats, cgroups, problems, tree, matchedNone);
    }

    /** Depth-first pre-order over the selected forest; roots and children by ascending pid. */
    public static List<Integer> treeOrder(Map<Integer, ProcStat> stats) {
        Map<Integer, TreeSet<Integer>> kids = new HashMap<>();
        TreeSet<Integer> roots = new TreeSet<>();
        for (ProcStat st : stats.values()) {
            if (stats.containsKey(st.ppid()) && st.ppid() != st.pid()) {
                kids.computeIfAbsent(st.ppid(), x -> new TreeSet<>()).add(st.pid());
            } else {
                roots.add(st.pid());
            }
        }
        List<Integer> order = new ArrayList<>(stats.size());
        for (int r : roots) visit(r, kids, order);
        return order;
    }

    private static void visit(int p, Map<Integer, TreeSet<Integer>> kids, List<Integer> order) {
        ArrayList<Integer> stack = new ArrayList<>(List.of(p));
        while (!stack.isEmpty()) {
            int q = stack.remove(stack.size() - 1);
            order.add(q);
            TreeSet<Integer> k = kids.get(q);
            if (k != null) stack.addAll(k.descendingSet());
        }
    }

    /**
     * Children of the given processes (all their threads' children), from
     * /proc/PID/task/TID/children; processes that are gone have none.
     */
    public static List<Integer> childrenOf(Iterable<Integer> pids) {
        List<Integer> kids = new ArrayList<>();
        for (int p : pids) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc", Integer.toString(p), "task"))) {
                for (Path t : ds) {
                    String s = Files.readString(t.resolve("children"), StandardCharsets.US_ASCII).trim();
                    if (s.isEmpty()) continue;
                    for (String c : s.split(" ")) kids.add(Integer.parseInt(c));
                }
            } catch (IOException e) {
                // exited: no children to add
            }
        }
        return kids;
    }

    /** The process a task id belongs to, or -1 if there is no such task. */
    static int tgidOf(int tid) throws IOException {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(tid), "status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Tgid:")) return Integer.parseInt(line.substring(5).trim());
            }
            return -1;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    private static Map<Integer, ProcStat> readAll() throws IOException {
        Map<Integer, ProcStat> all = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.isEmpty() || !Character.isDigit(n.charAt(0))) continue;
                ProcStat st = ProcStat.read(Integer.parseInt(n));
                if (st != null) all.put(st.pid(), st);
            }
        }
        return all;
    }

    private static Map<Integer, List<Integer>> children(Map<Integer, ProcStat> all) {
        Map<Integer, List<Integer>> kids = new HashMap<>();
        for (ProcStat st : all.values()) kids.computeIfAbsent(st.ppid(), x -> new ArrayList<>()).add(st.pid());
        return kids;
    }

}
