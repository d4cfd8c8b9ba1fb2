package io.fleetckpt.agent.freeze;

import io.fleetckpt.agent.select.ProcStat;
import io.fleetckpt.agent.select.Selection;
import io.fleetckpt.agent.select.TaskSelector;
import io.fleetckpt.agent.sys.Errno;
import io.fleetckpt.agent.sys.Syscalls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Freezes the selected tasks before anything of them is listed.
 * <ul>
 *   <li>A selected cgroup is frozen in place (v2 {@code cgroup.freeze}, v1 {@code freezer.state}).</li>
 *   <li>Other tasks are moved into a cgroup of the agent's own, frozen first so each task stops
 *       as it enters; v2 preferred, else the v1 freezer; each goes back to its own cgroup on thaw.</li>
 *   <li>Only when no freezer cgroup can be used: SIGSTOP, skipping tasks that were stopped
 *       already (they must stay stopped), and SIGCONT on thaw.</li>
 *   <li>A task whose cgroup someone else froze is left as it is, frozen, before and after.</li>
 * </ul>
 * The wait for the frozen state is bounded: a task in D state can hold a cgroup in FREEZING.
 */
public final class Freezer {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final Syscalls sys;
    private final CgroupMounts mounts;
    private final Path stateDir;
    private final int self;
    private final Duration timeout;

    public Freezer(Syscalls sys, CgroupMounts mounts, Path stateDir, int selfPid, Duration timeout) {
        this.sys = sys;
        this.mounts = mounts;
        this.stateDir = stateDir;
        this.self = selfPid;
        this.timeout = timeout;
    }

    public FrozenSet freeze(Selection sel) throws IOException, FreezeTimeout {
        return freeze(sel, () -> { });
    }

    /**
     * @param justBefore runs right before the first freeze request, once everything else is
     *                   ready (for what should be under way when the tasks are frozen)
     */
    public FrozenSet freeze(Selection sel, Runnable justBefore) throws IOException, FreezeTimeout {
        FreezeLedger ledger = new FreezeLedger(stateDir, self);
        try {
            ledger.flush(); // before anything is made or frozen: a state dir we cannot write leaves nothing behind
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IOException("state dir " + stateDir + ": cannot keep the freeze state file there (" + why
                    + "); nothing was frozen", e);
        }
        Set<Integer> pending = new LinkedHashSet<>(sel.pids());
        List<Integer> alreadyFrozen = new ArrayList<>();
        List<Path> inPlace = new ArrayList<>();
        List<CgroupFreezer> inPlaceKinds = new ArrayList<>();

        for (Path cg : sel.cgroups()) {
            CgroupFreezer k = kindOf(cg);
            if (k == null) continue; // e.g. a v1 memory cgroup: its tasks are frozen one by one below
            List<Integer> members = CgroupMounts.procsUnder(cg);
            if (k.frozenOrFreezing(cg)) {
                for (int p : members) if (pending.remove(p)) alreadyFrozen.add(p);
            } else {
                inPlace.add(cg);
                inPlaceKinds.add(k);
                ledger.froze(k, cg);
                members.forEach(pending::remove);
            }
        }
        for (Integer p : new ArrayList<>(pending)) {
            if (frozenByOthers(p)) {
                pending.remove(p);
                alreadyFrozen.add(p);
            }
        }

        CgroupFreezer kind = null;
        Path own = null;
        Map<Integer, Path> movedFrom = new LinkedHashMap<>();
        List<Integer> toStop = new ArrayList<>();
        if (!pending.isEmpty()) {
            for (CgroupFreezer k : new CgroupFreezer[] {CgroupFreezer.V2, CgroupFreezer.V1}) {
                Path root = k == CgroupFreezer.V2 ? mounts.v2() : mounts.v1Freezer();
                if (root == null) continue;
                Path dir = root.resolve("fleetckpt-" + self + "-" + SEQ.incrementAndGet());
                try {
                    Files.createDirectory(dir);
                } catch (IOException e) {
                    continue;
                }
                Map<Integer, Path> origins = new LinkedHashMap<>();
                boolean ok = true;
                for (int p : pending) {
                    Path from = k == CgroupFreezer.V2 ? mounts.v2CgroupOf(p) : mounts.v1FreezerCgroupOf(p);
                    if (from == null) {
                        ok = false;
                        break;
                    }
                    origins.put(p, from);
                }
                if (!ok) {
                    Files.deleteIfExists(dir);
                    continue;
                }
                kind = k;
                own = dir;
                ledger.created(k, dir);
                for (Map.Entry<Integer, Path> e : origins.entrySet()) {
                    ledger.moved(e.getKey(), startTime(e.getKey()), e.getValue().resolve("cgroup.procs"));
                }
                movedFrom.putAll(origins);
                break;
            }
            if (kind == null) {
                for (int p : pending) {
                    if (!allThreadsStopped(p)) {
                        toStop.add(p);
                        ledger.stopped(p, startTime(p));
                    } else {
                        alreadyFrozen.add(p);
                    }
                }
            }
        }

        FreezeMethod method = kind == CgroupFreezer.V2 ? FreezeMethod.CGROUP_V2
                : kind == CgroupFreezer.V1 ? FreezeMethod.CGROUP_V1
                : !toStop.isEmpty() ? FreezeMethod.SIGSTOP
                : !inPlace.isEmpty() ? (inPlaceKinds.get(0) == CgroupFreezer.V2 ? FreezeMethod.CGROUP_V2 : FreezeMethod.CGROUP_V1)
                : FreezeMethod.ALREADY_FROZEN;
        ledger.flush();
        // Tasks move into the agent's cgroup before it freezes: a cgroup migration waits for an
        // RCU grace period (milliseconds here), which should not count against the frozen
        // window. A child forked in between lands in the same cgroup and is frozen with it.
        FrozenSet set = null;
        List<CgroupFreezer.Control> controls = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try {
            if (own != null) {
                for (Map.Entry<Integer, Path> e : new ArrayList<>(movedFrom.entrySet())) {
                    try {
                        kind.move(e.getKey(), own);
                    } catch (IOException ex) {
                        movedFrom.remove(e.getKey());
                        // exited meanwhile: the scan reports it; alive: it must not run on as if frozen
                        if (alive(e.getKey())) stopInstead(e.getKey(), ex, toStop, alreadyFrozen, ledger, notes);
                    }
                }
                ledger.flush();
            }
            if (own != null && !sel.treePids().isEmpty()) followForks(sel, kind, own, movedFrom, ledger);
            for (int i = 0; i < inPlace.size(); i++) controls.add(inPlaceKinds.get(i).open(inPlace.get(i)));
            if (own != null) controls.add(kind.open(own));
            set = new FrozenSet(sys, method, kind, own, movedFrom, controls, toStop, alreadyFrozen, ledger);
            notes.forEach(set::note);
            set.installHook();
            justBefore.run();
            set.startedAt(System.nanoTime());
            for (CgroupFreezer.Control c : controls) c.set(true);
            for (int p : toStop) {
                int r = sys.kill(p, Syscalls.SIGSTOP);
                // refused: it will never stop, so waiting the whole bound for it would be pointless
                if (r == -Errno.EPERM) {
                    throw new FreezeTimeout("cannot stop pid " + p + ": SIGSTOP: " + Errno.describe(r)
                            + " (no freezer cgroup could be used either; freezing another user's process needs root)");
                }
            }
            awaitFrozen(controls, toStop);
            set.frozenAt(System.nanoTime());
            return set;
        } catch (IOException | FreezeTimeout | RuntimeException e) {
            if (set == null) set = new FrozenSet(sys, method, kind, own, movedFrom, controls, toStop, alreadyFrozen, ledger);
            set.thaw();
            throw e;
        }
    }

    /**
     * A --tree process may fork between selection and the move into the agent's cgroup; such a
     * child stays outside and would run on. Its children are moved in too (a child forked after
     * the move is in the cgroup already); the capture picks them up once frozen.
     */
    private void followForks(Selection sel, CgroupFreezer kind, Path own, Map<Integer, Path> movedFrom,
                             FreezeLedger ledger) throws IOException {
        Set<Integer> tree = new java.util.HashSet<>(sel.treePids());
        tree.retainAll(movedFrom.keySet());
        for (int round = 0; round < 16; round++) {
            List<Integer> fresh = new ArrayList<>();
            for (int kid : TaskSelector.childrenOf(tree)) if (!tree.contains(kid) && kid != self) fresh.add(kid);
            if (fresh.isEmpty()) return;
            for (int kid : fresh) {
                tree.add(kid);
                Path from = kind == CgroupFreezer.V2 ? mounts.v2CgroupOf(kid) : mounts.v1FreezerCgroupOf(kid);
                if (from == null || from.equals(own)) continue;
                ledger.moved(kid, startTime(kid), from.resolve("cgroup.procs"));
                ledger.flush();
                try {
                    kind.move(kid, own);
                    movedFrom.put(kid, from);
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
    }

    /** A process the cgroup would not take is stopped with SIGSTOP instead (unless it is stopped already). */
    private static void stopInstead(int pid, IOException why, List<Integer> toStop, List<Integer> alreadyFrozen,
                                    FreezeLedger ledger, List<String> notes) throws IOException {
        if (allThreadsStopped(pid)) {
            alreadyFrozen.add(pid);
            return;
        }
        toStop.add(pid);
        ledger.stopped(pid, startTime(pid));
        notes.add("pid " + pid + ": the freezer cgroup refused it (" + why.getMessage() + "): stopped with SIGSTOP instead");
    }

    private static boolean alive(int pid) throws IOException {
        ProcStat st = ProcStat.read(pid);
        return st != null && !st.gone();
    }

    /**
     * How long the frozen state is polled without sleeping. Each task has to run to freeze itself,
     * which on a loaded machine can take a few hundred µs; a sleep of 1 ms after a fixed number
     * of polls added a millisecond to one window in five under load.
     */
    private static final long POLL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2);

    private void awaitFrozen(List<CgroupFreezer.Control> controls, List<Integer> stopped) throws IOException, FreezeTimeout {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        for (int spins = 0; ; spins++) {
            String waitingFor = null;
            for (int i = 0; i < controls.size() && waitingFor == null; i++) {
                if (!controls.get(i).reached()) waitingFor = "cgroup " + controls.get(i).dir();
            }
            for (int i = 0; i < stopped.size() && waitingFor == null; i++) {
                int p = stopped.get(i);
                if (Files.exists(Path.of("/proc", Integer.toString(p))) && !allThreadsStopped(p)) waitingFor = "pid " + p;
            }
            if (waitingFor == null) return;
            if (System.nanoTime() > deadline) {
                throw new FreezeTimeout("not frozen after " + timeout.toMillis() + " ms: " + waitingFor
                        + " (a task in uninterruptible sleep keeps a cgroup FREEZING)");
            }
            if (System.nanoTime() - start > POLL_NANOS) sleepMillis(1);
            else if ((spins & 15) == 15) Thread.yield(); // a freezing task may want this CPU
            else Thread.onSpinWait();
        }
    }

    private CgroupFreezer kindOf(Path cg) {
        if (mounts.isV2(cg)) return CgroupFreezer.V2;
        if (mounts.isV1Freezer(cg)) return CgroupFreezer.V1;
        return null;
    }

    /** In a v2 or v1 freezer cgroup that someone froze. */
    private boolean frozenByOthers(int pid) throws IOException {
        try {
            Path v2 = mounts.v2CgroupOf(pid);
            if (v2 != null && !v2.equals(mounts.v2()) && CgroupFreezer.V2.frozenOrFreezing(v2)) return true;
            Path v1 = mounts.v1FreezerCgroupOf(pid);
            return v1 != null && !v1.equals(mounts.v1Freezer()) && CgroupFreezer.V1.frozenOrFreezing(v1);
        } catch (java.nio.file.NoSuchFileException e) {
            return false; // exited: the scan reports it
        }
    }

    private static boolean allThreadsStopped(int pid) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc", Integer.toString(pid), "task"))) {
            for (Path t : ds) {
                ProcStat st = ProcStat.parseFile(t.resolve("stat"));
                if (st != null && st.stateLetter() != 'T' && st.stateLetter() != 't') return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long startTime(int pid) throws IOException {
        ProcStat st = ProcStat.read(pid);
        return st == null ? 0 : st.startTime();
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
