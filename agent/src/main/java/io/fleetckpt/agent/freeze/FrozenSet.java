package io.fleetckpt.agent.freeze;

import io.fleetckpt.agent.sys.Syscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tasks an agent froze, and how to undo it. {@link #thaw()} runs at most once, from the capture's
 * finally block or from the shutdown hook (SIGINT/SIGTERM), whichever comes first; then the
 * ledger file is removed.
 */
public final class FrozenSet implements AutoCloseable {
    private final Syscalls sys;
    private final FreezeMethod method;
    private final CgroupFreezer kind;
    private final Path ownCgroup;
    private final Map<Integer, Path> movedFrom;
    private final List<CgroupFreezer.Control> controls;
    private final List<Integer> stopped;
    private final List<Integer> alreadyFrozen;
    private final FreezeLedger ledger;
    private long startNanos;
    private long frozenNanos;
    private long thawedNanos;
    private boolean thawed;
    private Thread hook;
    private final List<String> thawProblems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    FrozenSet(Syscalls sys, FreezeMethod method, CgroupFreezer kind, Path ownCgroup, Map<Integer, Path> movedFrom,
              List<CgroupFreezer.Control> controls, List<Integer> stopped, List<Integer> alreadyFrozen, FreezeLedger ledger) {
        this.sys = sys;
        this.method = method;
        this.kind = kind;
        this.ownCgroup = ownCgroup;
        this.movedFrom = movedFrom;
        this.controls = controls;
        this.stopped = stopped;
        this.alreadyFrozen = alreadyFrozen;
        this.ledger = ledger;
        this.startNanos = System.nanoTime();
    }

    /** The first freeze request goes out now: the frozen window starts. */
    void startedAt(long nanos) {
        startNanos = nanos;
    }

    void frozenAt(long nanos) {
        frozenNanos = nanos;
    }

    void installHook() {
        hook = new Thread(this::thawQuietly, "fleetckpt-thaw-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public FreezeMethod method() {
        return method;
    }

    /** Tasks left frozen by someone else before the capture; the capture leaves them frozen. */
    public List<Integer> alreadyFrozen() {
        return List.copyOf(alreadyFrozen);
    }

    /** Processes now in the agent's own cgroup (the moved ones and whatever they forked). */
    public List<Integer> ownMembers() throws IOException {
        return ownCgroup == null ? List.of() : CgroupMounts.procsUnder(ownCgroup);
    }

    /** Processes now in the selected cgroups frozen in place (forks included). */
    public List<Integer> inPlaceMembers() throws IOException {
        List<Integer> all = new ArrayList<>();
        for (CgroupFreezer.Control c : controls) if (!c.dir().equals(ownCgroup)) all.addAll(CgroupMounts.procsUnder(c.dir()));
        return all;
    }

    /** System.nanoTime() of the first freeze request: where the frozen window, and its bound, start. */
    public long windowStartNanos() {
        return startNanos;
    }

    /** Time from the first freeze request until every task was frozen. */
    public long freezeNanos() {
        return frozenNanos - startNanos;
    }

    /** From the first freeze request until the last task was thawed (0 before the thaw). */
    public synchronized long windowNanos() {
        return thawed ? thawedNanos - startNanos : 0;
    }

    void note(String line) {
        notes.add(line);
    }

    /** How the freeze departed from the plan (a task stopped with SIGSTOP because no cgroup took it). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public synchronized List<String> thawProblems() {
        return List.copyOf(thawProblems);
    }

    /** Thaws what this agent froze (and nothing a user had frozen). Idempotent. */
    public synchronized void thaw() {
        if (thawed) return;
        thawed = true;
        for (CgroupFreezer.Control c : controls) {
            try {
                c.set(false);
            } catch (IOException ex) {
                thawProblems.add("cgroup " + c.dir() + ": could not thaw: " + ex.getMessage());
            }
        }
        for (int pid : stopped) sys.kill(pid, Syscalls.SIGCONT);
        thawedNanos = System.nanoTime();
        for (CgroupFreezer.Control c : controls) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing left to do with it
            }
        }
        // After the window: back to their own cgroups (migrations are slow), children forked
        // meanwhile to their parent's origin, then the agent's cgroup goes.
        if (ownCgroup != null) {
            moveEveryoneBack();
            try {
                removeWithRetry(ownCgroup);
            } catch (IOException ex) {
                thawProblems.add("cgroup " + ownCgroup + ": could not remove: " + ex.getMessage());
            }
        }
        if (thawProblems.isEmpty()) {
            try {
                ledger.clear();
            } catch (IOException ex) {
                thawProblems.add("state file " + ledger.file() + ": " + ex.getMessage());
            }
        }
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway and finds everything thawed
            }
        }
    }

    private void moveEveryoneBack() {
        for (Map.Entry<Integer, Path> e : movedFrom.entrySet()) {
            try {
                kind.move(e.getKey(), e.getValue());
            } catch (IOException ex) {
                if (Files.exists(Path.of("/proc", e.getKey().toString()))) {
                    thawProblems.add("pid " + e.getKey() + ": could not move back to " + e.getValue() + ": " + ex.getMessage());
                }
            }
        }
        Path fallback = movedFrom.isEmpty() ? null : movedFrom.values().iterator().next();
        for (int round = 0; round < 5 && fallback != null; round++) {
            List<Integer> left;
            try {
                left = CgroupMounts.procsUnder(ownCgroup);
            } catch (IOException ex) {
                return;
            }
            if (left.isEmpty()) return;
            for (int pid : left) {
                Path to = fallback;
                try {
                    io.fleetckpt.agent.select.ProcStat st = io.fleetckpt.agent.select.ProcStat.read(pid);
                    if (st != null && movedFrom.containsKey(st.ppid())) to = movedFrom.get(st.ppid());
                    kind.move(pid, to);
                } catch (IOException ex) {
                    // exited meanwhile
                }
            }
        }
    }

    private void thawQuietly() {
        try {
            thaw();
        } catch (RuntimeException e) {
            System.err.println("fleetckpt: thaw on exit failed: " + e.getMessage());
        }
    }

    /** An emptied cgroup can stay busy for a moment while exiting tasks leave it. */
    private static void removeWithRetry(Path dir) throws IOException {
        long deadline = System.nanoTime() + 200_000_000L;
        while (true) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw e;
                try {
                    Thread.sleep(2);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() {
        thaw();
    }
}
