package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.capture.FdScanner;
import io.fleetckpt.agent.capture.Standby;
import io.fleetckpt.agent.capture.StatCall;
import io.fleetckpt.agent.capture.WindowBudget;
import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.capture.TaskScan;
import io.fleetckpt.agent.freeze.CgroupMounts;
import io.fleetckpt.agent.freeze.FreezeLedger;
import io.fleetckpt.agent.freeze.FreezeMethod;
import io.fleetckpt.agent.freeze.FreezeTimeout;
import io.fleetckpt.agent.freeze.Freezer;
import io.fleetckpt.agent.freeze.FrozenSet;
import io.fleetckpt.agent.select.ProcStat;
import io.fleetckpt.agent.select.Selection;
import io.fleetckpt.agent.select.TaskSelector;
import io.fleetckpt.agent.share.KcmpFailure;
import io.fleetckpt.agent.share.OfdResolver;
import io.fleetckpt.agent.share.TableSharing;
import io.fleetckpt.agent.share.ThreadTables;
import io.fleetckpt.agent.share.TaskFds;
import io.fleetckpt.agent.sys.Syscalls;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The capture, start to end: select → freeze → scan → share → thaw. Thaws whatever happens
 * (the freezer's shutdown hook covers SIGINT/SIGTERM). Reusable; close it to stop its threads.
 *
 * <pre>
 * try (Capturer c = new Capturer(Syscalls.system())) {
 *     CaptureResult r = c.capture(CaptureRequest.of(List.of(new Selector.Tree(pid))));
 *     Image image = ImageMapper.toImage(r);
 * }
 * </pre>
 */
public final class Capturer implements AutoCloseable {
    private final Syscalls sys;
    private final int self;
    private ThreadPoolExecutor pool;
    private boolean recovered;
    private boolean warm;

    private final CgroupMounts fixedMounts;

    public Capturer(Syscalls sys) {
        this(sys, null);
    }

    /**
     * @param mounts the cgroup mounts to use, or null to read them from /proc/self/mountinfo at
     *               each capture; {@code new CgroupMounts(null, null)} forces the SIGSTOP fallback
     */
    public Capturer(Syscalls sys, CgroupMounts mounts) {
        this.sys = sys;
        this.self = (int) ProcessHandle.current().pid();
        this.fixedMounts = mounts;
    }

    public CaptureResult capture(CaptureRequest req) throws IOException {
        long t0 = System.nanoTime();
        long epoch = System.currentTimeMillis() / 1000;
        List<String> notes = new ArrayList<>(recoverLeftovers(req.stateDir()));
        int blockedBefore = FdScanner.threadsStillBlocked();
        if (blockedBefore > 0) {
            notes.add(blockedBefore + " capture thread(s) of earlier captures are still blocked in calls that never returned (a hung filesystem?)");
        }
        CgroupMounts mounts = fixedMounts != null ? fixedMounts : CgroupMounts.detect();
        Selection sel = new TaskSelector(self, mounts).select(req.selectors());
        for (String s : sel.matchedNone()) notes.add("no process matched " + s);
        long tSelected = System.nanoTime();
        req.listener().onPhase(CaptureListener.Phase.SELECTED, sel.pids());

        ExecutorService workers = workers(req.threads());
        int threads = req.threads();
        warmUp(workers, threads, req.maxFrozen());
        Phases ph = new Phases();
        Core core = null;
        Compared compared = null;
        FreezeMethod method = FreezeMethod.NONE;
        List<Integer> alreadyFrozen = List.of();
        long freezeNs = 0, thawNs = 0, windowNs = 0;
        boolean frozen = false;
        if (req.freeze() && !sel.pids().isEmpty()) {
            Freezer freezer = new Freezer(sys, mounts, req.stateDir(), self, req.freezeTimeout());
            FrozenSet fz = null;
            // the scan's first worker wakes while the tasks freeze, not after
            Standby standby = new Standby(workers);
            try {
                fz = freezer.freeze(sel, standby::arm);
            } catch (FreezeTimeout e) {
                notes.add("freeze failed, captured without freezing: " + e.getMessage());
            } finally {
                if (fz == null) standby.release();
            }
            if (fz != null) {
                try {
                    method = fz.method();
                    alreadyFrozen = fz.alreadyFrozen();
                    freezeNs = fz.freezeNanos();
                    notes.addAll(fz.notes());
                    sel = sel.with(forkedWhileFreezing(sel, fz));
                    req.listener().onPhase(CaptureListener.Phase.FROZEN, sel.pids());
                    WindowBudget budget = WindowBudget.frozen(req.maxFrozen(), fz.windowStartNanos());
                    compared = scanAndShare(sel, standby, threads, req.statCall(), budget, ph, req.listener());
                } finally {
                    long thawStart = System.nanoTime();
                    fz.thaw();
                    standby.release();
                    thawNs = System.nanoTime() - thawStart;
                    windowNs = fz.windowNanos();
                    notes.addAll(fz.thawProblems());
                }
                frozen = true;
                req.listener().onPhase(CaptureListener.Phase.THAWED, sel.pids());
                core = assemble(compared);
            }
        }
        if (core == null) {
            core = scanUntilStable(sel, workers, threads, req.statCall(), WindowBudget.unfrozen(req.maxFrozen()), ph, req.listener());
        }
        int blockedNow = FdScanner.threadsStillBlocked();
        if (blockedNow > blockedBefore) {
            notes.add((blockedNow - blockedBefore) + " capture thread(s) left blocked in calls that did not return;"
                    + " each ends when its call does (the tasks were not kept waiting for them)");
        }

        List<TaskError> errors = new ArrayList<>(sel.problems());
        errors.addAll(core.errors);
        CaptureTimings timings = new CaptureTimings(tSelected - t0, freezeNs, ph.scan, ph.share, thawNs, windowNs,
                System.nanoTime() - t0, ph.kcmpCalls);
        return new CaptureResult(epoch, HostInfo.read(), frozen, frozen ? method : FreezeMethod.NONE, core.tasks, errors,
                alreadyFrozen, core.scans, req.threads(), timings, notes);
    }

    /**
     * Undoes what a dead agent left frozen, as its state file in {@code stateDir} says: moves its
     * tasks back, thaws and removes its cgroup, resumes what it stopped. Runs once per Capturer
     * (the first capture does it too); a daemon calls it at start, before it waits for anything
     * else, so that tasks do not stay frozen until the next request arrives. Never fails: what it
     * could not do comes back as lines, like what it did.
     *
     * @return one line per action taken or failed, each starting with "recovery: "
     */
    public synchronized List<String> recoverLeftovers(java.nio.file.Path stateDir) {
        if (recovered) return List.of();
        recovered = true;
        List<String> lines = new ArrayList<>();
        try {
            for (String line : FreezeLedger.recover(stateDir, sys, self)) lines.add("recovery: " + line);
        } catch (IOException | RuntimeException e) {
            lines.add("recovery: could not read the state files in " + stateDir + ": " + e.getMessage());
        }
        return lines;
    }

    private static final class Phases {
        long scan;
        long share;
        long kcmpCalls;
    }

    private record Core(List<CapturedTask> tasks, List<TaskError> errors, int scans) {
    }

    /**
     * What has to be learnt while the tasks are frozen: the scans and kcmp's verdicts. Numbering
     * the open files and building the tasks from it waits until after the thaw.
     */
    private record Compared(Selection sel, Map<Integer, Integer> owners, List<TaskFds> input,
                            Map<Integer, List<TaskError>> errors, OfdResolver.Result shared, int scanCount) {
    }

    /** One scan while frozen: positions cannot move, so they are part of the sharing key. */
    private Compared scanAndShare(Selection sel, ExecutorService workers, int threads, StatCall statCall, WindowBudget budget,
                                  Phases ph, CaptureListener listener) throws IOException {
        Map<Integer, Integer> owners = new TableSharing(sys).owners(sel.pids());
        List<Integer> scanned = new ArrayList<>();
        for (int p : sel.pids()) if (!owners.containsKey(p)) scanned.add(p);
        long s0 = System.nanoTime();
        List<TaskError> threadTables = new ArrayList<>();
        Map<Integer, TaskScan> scans = new FdScanner(sys, workers, threads, statCall, budget)
                .scan(scanned, () -> threadTables.addAll(new ThreadTables(sys).unshared(scanned)));
        ph.scan += System.nanoTime() - s0;
        listener.onPhase(CaptureListener.Phase.SCANNED, scanned);
        return share(sel, owners, scans, threadTables, workers, threads, budget, true, 1, ph, listener);
    }

    /**
     * Without freezing: scan until two consecutive scans of a task agree (the table did not
     * change in between), then compare files without positions in the key.
     */
    private Core scanUntilStable(Selection sel, ExecutorService workers, int threads, StatCall statCall, WindowBudget budget,
                                 Phases ph, CaptureListener listener) throws IOException {
        Map<Integer, Integer> owners = new TableSharing(sys).owners(sel.pids());
        List<Integer> pending = new ArrayList<>();
        for (int p : sel.pids()) if (!owners.containsKey(p)) pending.add(p);
        FdScanner scanner = new FdScanner(sys, workers, threads, statCall, budget);
        long s0 = System.nanoTime();
        Map<Integer, TaskScan> previous = scanner.scan(pending);
        Map<Integer, TaskScan> settled = new LinkedHashMap<>();
        pending = settleHung(pending, previous, settled);
        int scans = 1;
        while (!pending.isEmpty() && scans < CaptureRequest.MAX_UNFROZEN_SCANS) {
            Map<Integer, TaskScan> now = scanner.scan(pending);
            scans++;
            pending = settleHung(pending, now, settled);
            List<Integer> still = new ArrayList<>();
            for (int p : pending) {
                TaskScan a = previous.get(p), b = now.get(p);
                boolean gone = !b.complete() && b.fds().isEmpty();
                if (a.agreesWith(b) || gone) settled.put(p, b);
                else still.add(p);
            }
            previous = now;
            pending = still;
        }
        for (int p : pending) {
            settled.put(p, new TaskScan(p, List.of(), List.of(TaskError.task(p, TaskError.Kind.UNSTABLE,
                    "fd table kept changing: " + scans + " scans without two that agree (capture it frozen)"))));
        }
        ph.scan += System.nanoTime() - s0;
        Map<Integer, TaskScan> ordered = new LinkedHashMap<>();
        for (int p : sel.pids()) if (settled.containsKey(p)) ordered.put(p, settled.get(p));
        listener.onPhase(CaptureListener.Phase.SCANNED, new ArrayList<>(ordered.keySet()));
        List<TaskError> threadTables = new ThreadTables(sys).unshared(new ArrayList<>(ordered.keySet()));
        return assemble(share(sel, owners, ordered, threadTables, workers, threads, budget, false, scans, ph, listener));
    }

    /**
     * Tasks whose scan met a call that did not return are done with: scanning them again would
     * only meet it again (and leave another thread behind).
     */
    private static List<Integer> settleHung(List<Integer> pending, Map<Integer, TaskScan> scans, Map<Integer, TaskScan> settled) {
        List<Integer> rest = new ArrayList<>();
        for (int p : pending) {
            TaskScan s = scans.get(p);
            if (s.errors().stream().anyMatch(e -> e.kind() == TaskError.Kind.HUNG)) settled.put(p, s);
            else rest.add(p);
        }
        return rest;
    }

    /** @param threadTables what {@link ThreadTables} found for the scanned tasks */
    private Compared share(Selection sel, Map<Integer, Integer> owners, Map<Integer, TaskScan> scans, List<TaskError> threadTables,
                       ExecutorService workers, int threads, WindowBudget budget, boolean keyOnPos, int scanCount, Phases ph,
                       CaptureListener listener) throws IOException {
        long s0 = System.nanoTime();
        Map<Integer, List<TaskError>> errors = new LinkedHashMap<>();
        List<TaskFds> input = new ArrayList<>();
        for (TaskScan s : scans.values()) {
            // An empty or failed table may just mean the process exited (a zombie has no fds):
            // say so rather than report a short table or fd-level noise.
            boolean suspicious = !s.complete() || s.fds().isEmpty();
            if (suspicious && exited(s.pid())) {
                errors.put(s.pid(), new ArrayList<>(List.of(TaskError.task(s.pid(), TaskError.Kind.EXITED,
                        "process exited during the capture"))));
            } else if (s.complete()) {
                input.add(new TaskFds(s.pid(), s.fds()));
            } else {
                errors.computeIfAbsent(s.pid(), x -> new ArrayList<>()).addAll(s.errors());
            }
        }
        for (TaskError e : threadTables) {
            if (errors.containsKey(e.pid())) continue;
            errors.put(e.pid(), new ArrayList<>(List.of(e)));
            input.removeIf(t -> t.pid() == e.pid());
        }
        long deadline = keyOnPos ? budget.deadlineNanos() : Long.MAX_VALUE;
        OfdResolver.Result shared = budget.expired(System.nanoTime())
                ? new OfdResolver.Result(new int[0][], List.of(), 0, true)
                : new OfdResolver(sys, workers, threads - 1, keyOnPos, deadline).resolve(input);
        if (shared.expired()) {
            // Comparing files needs the tasks frozen: what was not compared by the bound is lost.
            for (TaskFds t : input) {
                errors.put(t.pid(), new ArrayList<>(List.of(TaskError.task(t.pid(), TaskError.Kind.HUNG,
                        "its files were not compared (kcmp) before the frozen window reached its bound (" + budget.boundText() + ")"))));
            }
            input = new ArrayList<>();
            shared = new OfdResolver.Result(new int[0][], shared.failures(), shared.kcmpCalls(), true);
        }
        for (KcmpFailure f : shared.failures()) {
            TaskError e = exited(f.pid())
                    ? TaskError.task(f.pid(), TaskError.Kind.EXITED, "process exited during the capture")
                    : new TaskError(f.pid(), f.fd(), f.errno() == io.fleetckpt.agent.sys.Errno.EBADF
                    ? TaskError.Kind.FD_CLOSED : TaskError.Kind.IO, f.what());
            errors.computeIfAbsent(f.pid(), x -> new ArrayList<>()).add(e);
        }
        ph.share += System.nanoTime() - s0;
        ph.kcmpCalls += shared.kcmpCalls();
        listener.onPhase(CaptureListener.Phase.SHARED, new ArrayList<>(scans.keySet()));
        return new Compared(sel, owners, input, errors, shared, scanCount);
    }

    private Core assemble(Compared c) {
        Selection sel = c.sel();
        Map<Integer, Integer> owners = c.owners();
        List<TaskFds> input = c.input();
        Map<Integer, List<TaskError>> errors = c.errors();
        OfdResolver.Result shared = c.shared();

        // objrefs image-wide in first-seen order: tasks in TREE order, fds ascending; a shared
        // table takes its number when first seen, before its files.
        Map<Integer, Integer> inputIndex = new HashMap<>();
        for (int i = 0; i < input.size(); i++) inputIndex.put(input.get(i).pid(), i);
        int[] base = new int[input.size() + 1];
        for (int i = 0; i < input.size(); i++) base[i + 1] = base[i] + input.get(i).fds().size();
        int[] objrefOfFlat = new int[base[input.size()]];
        Map<Integer, Integer> tableRefOfOwner = new HashMap<>();
        java.util.Set<Integer> sharedOwners = new java.util.HashSet<>(owners.values());
        Map<Integer, CapturedTask> done = new HashMap<>();
        List<CapturedTask> tasks = new ArrayList<>();
        int next = 1;
        for (int pid : sel.pids()) {
            int owner = owners.getOrDefault(pid, 0);
            int tableOf = owner == 0 ? pid : owner;
            if (errors.containsKey(tableOf) || !inputIndex.containsKey(tableOf)) {
                if (owner != 0 && !errors.containsKey(pid)) {
                    errors.computeIfAbsent(pid, x -> new ArrayList<>()).add(TaskError.task(pid, TaskError.Kind.IO,
                            "shares its fd table with pid " + owner + ", which could not be captured"));
                }
                continue;
            }
            if (errors.containsKey(pid)) continue;
            var info = sel.stats().get(pid).toTaskInfo(pid);
            if (owner != 0) {
                CapturedTask o = done.get(owner);
                tasks.add(new CapturedTask(info, owner, o.tableRef(), o.fds()));
                continue;
            }
            int tableRef = 0;
            if (sharedOwners.contains(pid)) tableRef = next++;
            int ti = inputIndex.get(pid);
            List<CapturedFd> fds = input.get(ti).fds();
            List<CapturedFd> out = new ArrayList<>(fds.size());
            int[] reps = shared.reps()[ti];
            for (int j = 0; j < fds.size(); j++) {
                int rep = reps[j];
                if (objrefOfFlat[rep] == 0) objrefOfFlat[rep] = next++;
                out.add(fds.get(j).withObjref(objrefOfFlat[rep]));
            }
            CapturedTask ct = new CapturedTask(info, 0, tableRef, out);
            done.put(pid, ct);
            tasks.add(ct);
        }
        List<TaskError> flat = new ArrayList<>();
        errors.values().forEach(flat::addAll);
        return new Core(tasks, flat, c.scanCount());
    }

    /**
     * Runs the scan and the sharing once on the agent itself before anything is frozen: the
     * first call of each native binding generates its stub and loads classes (tens of ms in a
     * fresh JVM), which would otherwise land in the frozen window.
     */
    private void warmUp(ExecutorService workers, int threads, java.time.Duration bound) throws IOException {
        if (warm) return;
        Map<Integer, TaskScan> own = new FdScanner(sys, workers, threads, StatCall.CACHED, WindowBudget.unfrozen(bound)).scan(List.of(self));
        List<TaskFds> input = new ArrayList<>();
        for (TaskScan s : own.values()) if (s.complete()) input.add(new TaskFds(s.pid(), s.fds()));
        new OfdResolver(sys, workers, threads - 1, true, Long.MAX_VALUE).resolve(input);
        sys.kcmp(self, self, Syscalls.KCMP_FILES, 0, 0);
        ProcStat.read(self);
        warm = true;
    }

    /**
     * Processes that joined the selection while it was being frozen: forks of --tree processes
     * (now in the agent's cgroup) and anything now in a selected cgroup. They are frozen too.
     */
    private Map<Integer, ProcStat> forkedWhileFreezing(Selection sel, FrozenSet fz) throws IOException {
        Map<Integer, ProcStat> late = new HashMap<>();
        if (sel.treePids().isEmpty() && sel.cgroups().isEmpty()) return late;
        java.util.Set<Integer> known = new java.util.HashSet<>(sel.pids());
        for (int p : fz.inPlaceMembers()) {
            if (known.contains(p) || p == self) continue;
            ProcStat st = ProcStat.read(p);
            if (st != null && !st.gone()) late.put(p, st);
        }
        Map<Integer, ProcStat> candidates = new HashMap<>();
        for (int p : fz.ownMembers()) {
            if (known.contains(p) || late.containsKey(p)) continue;
            ProcStat st = ProcStat.read(p);
            if (st != null && !st.gone()) candidates.put(p, st);
        }
        java.util.Set<Integer> tree = new java.util.HashSet<>(sel.treePids());
        for (boolean grew = true; grew; ) {
            grew = false;
            for (var it = candidates.values().iterator(); it.hasNext(); ) {
                ProcStat st = it.next();
                if (tree.contains(st.ppid())) {
                    tree.add(st.pid());
                    late.put(st.pid(), st);
                    it.remove();
                    grew = true;
                }
            }
        }
        return late;
    }

    private static boolean exited(int pid) throws IOException {
        ProcStat st = ProcStat.read(pid);
        return st == null || st.gone();
    }

    /**
     * The scan's workers and the sharing's helpers. Threads are kept for the next capture (no
     * thread start in the frozen window), and a task never waits for a free one: a worker
     * stuck in a call that does not return keeps its thread, and the capture goes on in a new one.
     */
    private synchronized ExecutorService workers(int threads) {
        if (pool == null) {
            pool = new ThreadPoolExecutor(threads, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "fleetckpt-scan");
                t.setDaemon(true);
                return t;
            });
        } else if (pool.getCorePoolSize() < threads) {
            // never shrunk: that interrupts the idle threads, and a task handed over just then
            // (the scan's first worker) finds none waiting and waits for a new thread to start
            pool.setCorePoolSize(threads);
        }
        pool.prestartAllCoreThreads();
        return pool;
    }

    @Override
    public synchronized void close() {
        if (pool != null) pool.shutdown();
        pool = null;
    }
}
