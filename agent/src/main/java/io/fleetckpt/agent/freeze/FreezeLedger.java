package io.fleetckpt.agent.freeze;

import io.fleetckpt.agent.select.ProcStat;
import io.fleetckpt.agent.sys.Syscalls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small state file of what an agent froze, written before it freezes anything and deleted
 * after it thawed: if the agent dies in between (kill -9, OOM), the next agent to start undoes
 * it. One file per agent process, {@code freeze-PID.state}, lines of
 * <pre>
 * owner PID STARTTIME             the agent; a live owner's file is left alone
 * created v1|v2 DIR               a cgroup the agent made: thaw, then remove
 * froze v1|v2 DIR                 a user's cgroup the agent froze in place: thaw
 * moved PID STARTTIME PROCS-FILE  a process moved into the agent's cgroup: move back
 * stopped PID STARTTIME           a process the agent SIGSTOPped: SIGCONT
 * </pre>
 * STARTTIME (field 22 of /proc/PID/stat) guards against touching a recycled pid.
 */
public final class FreezeLedger {
    private final Path dir;
    private final Path file;
    private final List<String> lines = new ArrayList<>();

    public FreezeLedger(Path stateDir, int selfPid) throws IOException {
        this.dir = stateDir;
        this.file = stateDir.resolve("freeze-" + selfPid + ".state");
        ProcStat me = ProcStat.read(selfPid);
        lines.add("owner " + selfPid + " " + (me == null ? 0 : me.startTime()));
    }

    public Path file() {
        return file;
    }

    public void created(CgroupFreezer kind, Path cgroup) {
        lines.add("created " + kind.name().toLowerCase() + " " + cgroup);
    }

    public void froze(CgroupFreezer kind, Path cgroup) {
        lines.add("froze " + kind.name().toLowerCase() + " " + cgroup);
    }

    public void moved(int pid, long startTime, Path procsFile) {
        lines.add("moved " + pid + " " + startTime + " " + procsFile);
    }

    public void stopped(int pid, long startTime) {
        lines.add("stopped " + pid + " " + startTime);
    }

    /** Writes what is recorded so far (before the freezer acts on it). */
    public void flush() throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Everything was undone. */
    public void clear() throws IOException {
        Files.deleteIfExists(file);
        lines.subList(1, lines.size()).clear();
    }

    /**
     * Undoes what agents that are no longer running left frozen, as their state files say.
     *
     * @return one line per action taken or failed, for the log
     */
    public static List<String> recover(Path stateDir, Syscalls sys, int selfPid) throws IOException {
        List<String> report = new ArrayList<>();
        if (!Files.isDirectory(stateDir)) return report;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(stateDir, "freeze-*.state")) {
            for (Path f : ds) {
                List<String> ls = Files.readAllLines(f, StandardCharsets.UTF_8);
                if (ls.isEmpty() || !ls.get(0).startsWith("owner ")) continue;
                String[] owner = ls.get(0).split(" ");
                int ownerPid = Integer.parseInt(owner[1]);
                if (ownerPid == selfPid || alive(ownerPid, Long.parseLong(owner[2]))) continue;
                undo(ls, sys, report);
                Files.deleteIfExists(f);
                report.add("removed " + f + " left by agent pid " + ownerPid);
            }
        }
        return report;
    }

    private static void undo(List<String> ls, Syscalls sys, List<String> report) {
        // Move processes back first (they thaw as they leave), then thaw and remove cgroups.
        for (String l : ls) {
            String[] f = l.split(" ", 4);
            try {
                if (f[0].equals("moved") && alive(Integer.parseInt(f[1]), Long.parseLong(f[2]))) {
                    Files.writeString(Path.of(f[3]), f[1]);
                    report.add("moved pid " + f[1] + " back to " + f[3]);
                } else if (f[0].equals("stopped") && alive(Integer.parseInt(f[1]), Long.parseLong(f[2]))) {
                    sys.kill(Integer.parseInt(f[1]), Syscalls.SIGCONT);
                    report.add("resumed pid " + f[1]);
                }
            } catch (IOException | RuntimeException e) {
                report.add("could not undo '" + l + "': " + e.getMessage());
            }
        }
        for (String l : ls) {
            String[] f = l.split(" ", 3);
            try {
                if (f[0].equals("created") || f[0].equals("froze")) {
                    Path cg = Path.of(f[2]);
                    if (!Files.isDirectory(cg)) continue;
                    CgroupFreezer kind = CgroupFreezer.valueOf(f[1].toUpperCase());
                    kind.set(cg, false);
                    report.add("thawed " + cg);
                    if (f[0].equals("created")) Files.deleteIfExists(cg);
                }
            } catch (IOException | RuntimeException e) {
                report.add("could not undo '" + l + "': " + e.getMessage());
            }
        }
    }

    static boolean alive(int pid, long startTime) {
        try {
            ProcStat st = ProcStat.read(pid);
            return st != null && !st.gone() && st.startTime() == startTime;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
