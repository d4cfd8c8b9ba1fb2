package io.fleetckpt.restore;

import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.restore.open.DescriptionOpener;
import io.fleetckpt.restore.open.DescriptionProbe;
import io.fleetckpt.restore.open.OpenedDescription;
import io.fleetckpt.restore.open.PathResolver;
import io.fleetckpt.restore.plan.DescriptionPlan;
import io.fleetckpt.restore.plan.FdPlacement;
import io.fleetckpt.restore.plan.PlanException;
import io.fleetckpt.restore.plan.Planner;
import io.fleetckpt.restore.plan.RestorePlan;
import io.fleetckpt.restore.plan.TaskPlan;
import io.fleetckpt.restore.plan.UnrestorablePolicy;
import io.fleetckpt.restore.report.FdReport;
import io.fleetckpt.restore.report.FdStatus;
import io.fleetckpt.restore.report.RestoreReport;
import io.fleetckpt.restore.report.TaskReport;
import io.fleetckpt.restore.spawn.CommandLookup;
import io.fleetckpt.restore.spawn.FdTableSpawner;
import io.fleetckpt.restore.spawn.LoadableLibrary;
import io.fleetckpt.restore.spawn.SpawnedTask;
import io.fleetckpt.restore.sys.OpenFlags;
import io.fleetckpt.restore.sys.Sys;
import io.fleetckpt.restore.sys.SysException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a restore: plan (validate everything, open nothing), open each description once, start
 * one COMMAND per task with its table, then drop the restorer's own copies. A description shared
 * by several tasks is handed to each COMMAND from the same open, so they share it as the
 * originals did.
 */
public final class Restorer {
    /**
     * Free fd numbers COMMAND's soft limit leaves above the highest restored fd when the table
     * needs more than the caller's limit: room for the dynamic loader's libraries and the
     * program's first files (a limit of exactly highest fd + 1 would leave a dense table none).
     */
    public static final int FD_LIMIT_HEADROOM = 64;

    public RestoreOutcome restore(RestoreRequest req) throws PlanException {
        Sys.raiseNofileToHard();
        int limit = (int) Math.min(Sys.nofileLimit()[1], 1 << 20);
        RestorePlan plan = new Planner(limit).plan(req.image(), req.pids(), req.tree(), req.root(), req.policy());
        List<String> notes = new ArrayList<>();
        java.nio.file.Path preloadLib = usablePreload(req.cloexecPreload(), plan, notes);
        Map<Integer, Long> fdLimits = new HashMap<>();
        for (TaskPlan t : plan.tasks()) fdLimits.put(t.pid(), commandFdLimit(t, req.callerFdLimit()));
        Context ctx = new Context(req.root() == null ? null : req.root().toString(), preloadLib != null, notes, fdLimits);
        if (req.dryRun()) return dryRun(plan, req, ctx);
        java.util.BitSet targets = plan.targetNumbers();
        Map<Integer, OpenedDescription> opened = new HashMap<>();
        try {
            try (PathResolver resolver = PathResolver.open(req.root())) {
                DescriptionOpener opener = new DescriptionOpener(resolver, targets);
                for (DescriptionPlan d : plan.descriptions().values()) opened.put(d.objref(), opener.open(d));
            } catch (SysException e) {
                return new RestoreOutcome(plan, report(plan, opened, List.of(), Map.of(), false,
                        "cannot open the root " + req.root() + ": " + e.getMessage(), ctx), List.of());
            }
            // image pid -> why the descriptions opened for that task never reached a COMMAND
            Map<Integer, String> unplaced = new HashMap<>();
            String stop = failPolicyStop(plan, opened);
            if (stop != null) {
                for (TaskPlan t : plan.tasks()) unplaced.put(t.pid(), stop);
                return new RestoreOutcome(plan, report(plan, opened, List.of(), unplaced, false, null, ctx), List.of());
            }
            List<SpawnedTask> spawned = new ArrayList<>();
            FdTableSpawner spawner = new FdTableSpawner(targets, preloadLib);
            String error = null;
            for (TaskPlan t : plan.tasks()) {
                if (error != null) {
                    unplaced.put(t.pid(), "never placed: the restore stopped at an earlier task whose COMMAND could not start (see error)");
                    continue;
                }
                try {
                    spawned.add(spawner.spawn(t, opened, req.command(), req.environment(), fdLimits.get(t.pid())));
                } catch (SysException e) {
                    error = "pid " + t.pid() + ": " + e.getMessage();
                    unplaced.put(t.pid(), "never placed: its COMMAND could not start (see error)");
                }
            }
            return new RestoreOutcome(plan, report(plan, opened, spawned, unplaced, false, error, ctx), spawned);
        } finally {
            for (OpenedDescription o : opened.values()) if (o.placed()) Sys.close(o.fd());
        }
    }

    /**
     * The dry run: the root is opened as the real run opens it (O_PATH), each description probed
     * beneath it without opening it for I/O, --unrestorable fail and COMMAND judged as the real
     * run would judge them, so that the report's statuses and exit code are the real run's.
     */
    private static RestoreOutcome dryRun(RestorePlan plan, RestoreRequest req, Context ctx) {
        Map<Integer, OpenedDescription> predicted = new HashMap<>();
        try (PathResolver resolver = PathResolver.open(req.root())) {
            DescriptionProbe probe = new DescriptionProbe(resolver);
            for (DescriptionPlan d : plan.descriptions().values()) predicted.put(d.objref(), probe.probe(d));
        } catch (SysException e) {
            return new RestoreOutcome(plan, report(plan, predicted, List.of(), Map.of(), true,
                    "cannot open the root " + req.root() + ": " + e.getMessage(), ctx), List.of());
        }
        Map<Integer, String> unplaced = new HashMap<>();
        String stop = failPolicyStop(plan, predicted);
        String error = null;
        if (stop != null) {
            for (TaskPlan t : plan.tasks()) unplaced.put(t.pid(), stop);
        } else if (req.command().isEmpty()) {
            ctx.notes().add("no COMMAND given: whether it would start is not checked");
        } else {
            error = CommandLookup.whyNot(req.command(), System.getenv("PATH"));
            if (error != null) {
                for (TaskPlan t : plan.tasks()) unplaced.put(t.pid(), "never placed: its COMMAND could not start (see error)");
            }
        }
        return new RestoreOutcome(plan, report(plan, predicted, List.of(), unplaced, true, error, ctx), List.of());
    }

    /** @return why --unrestorable fail runs no COMMAND for these outcomes, or null when it does (or is not the policy) */
    private static String failPolicyStop(RestorePlan plan, Map<Integer, OpenedDescription> opened) {
        if (plan.policy() != UnrestorablePolicy.FAIL) return null;
        long inexact = inexactFds(plan, opened);
        if (inexact == 0) return null;
        return "never placed: --unrestorable fail ran no COMMAND because " + inexact
                + (inexact == 1 ? " fd" : " fds") + " could not be restored exactly";
    }

    /**
     * What the report's parts share: the root, whether the preload library is used, notes on the
     * run, and each task's COMMAND fd limit by image pid.
     */
    private record Context(String root, boolean preload, List<String> notes, Map<Integer, Long> fdLimits) {
    }

    /**
     * The soft RLIMIT_NOFILE for a task's COMMAND: the caller's, as a program started from the
     * caller's shell would have it (programs size tables by it, or close every fd below it), raised
     * only where the table's numbers need more; never above the hard limit.
     */
    private static long commandFdLimit(TaskPlan t, long caller) {
        long[] now = Sys.nofileLimit();
        if (caller <= 0) return now[0];
        long needed = t.maxFd() + 1L + FD_LIMIT_HEADROOM;
        return Math.min(now[1], Math.max(caller, needed));
    }

    /**
     * The preload library, or null when there is none or the loader would skip it (then the fds
     * saved with close-on-exec are deferred, and a note says why, rather than claiming the preload).
     */
    private static java.nio.file.Path usablePreload(java.nio.file.Path lib, RestorePlan plan, List<String> notes) {
        if (lib == null) return null;
        String problem = LoadableLibrary.problem(lib);
        if (problem == null) return lib;
        boolean needed = plan.tasks().stream().flatMap(t -> t.fds().stream()).anyMatch(FdPlacement::closeOnExec);
        if (needed) notes.add("close-on-exec preload not used: " + problem);
        return null;
    }

    /** fds that would not be as saved: failed, skipped or placeholder descriptions, or opened with a warning. */
    private static long inexactFds(RestorePlan plan, Map<Integer, OpenedDescription> opened) {
        return plan.tasks().stream().flatMap(t -> t.fds().stream()).map(p -> opened.get(p.objref()))
                .filter(o -> o.status() != FdStatus.RESTORED || !o.warnings().isEmpty()).count();
    }

    /**
     * @param unplaced image pid -> why that task's opened descriptions were never handed to a
     *                 COMMAND; tasks not in it had their COMMAND started (or nothing was opened)
     */
    private static RestoreReport report(RestorePlan plan, Map<Integer, OpenedDescription> opened,
                                        List<SpawnedTask> spawned, Map<Integer, String> unplaced, boolean dryRun,
                                        String error, Context ctx) {
        Map<Integer, Integer> pids = new HashMap<>();
        for (SpawnedTask s : spawned) pids.put(s.imagePid(), s.pid());
        List<TaskReport> tasks = new ArrayList<>();
        for (TaskPlan t : plan.tasks()) {
            String notPlaced = unplaced.get(t.pid());
            List<FdReport> fds = new ArrayList<>();
            for (FdPlacement p : t.fds()) {
                DescriptionPlan d = plan.description(p);
                OpenedDescription o = opened.get(p.objref());
                FdStatus status;
                String why;
                List<String> warnings = List.of();
                boolean placed;
                if (o != null) {
                    status = o.status();
                    why = o.why();
                    warnings = o.warnings();
                    // a dry run's outcome holds no fd: what the real run would place
                    placed = o.placed() || dryRun && (status == FdStatus.RESTORED || status == FdStatus.PLACEHOLDER);
                    if (placed && notPlaced != null) {
                        // opened (or a placeholder was), but no COMMAND ever got it
                        status = FdStatus.UNPLACED;
                        why = o.why() == null ? (dryRun ? "would be opened, " : "opened, ") + notPlaced : o.why() + "; " + notPlaced;
                        placed = false;
                    }
                } else {
                    // the run stopped before this description was opened (the root could not be):
                    // the report's error says why, once, not on every fd
                    status = FdStatus.FAILED;
                    why = "not opened: the restore stopped before opening anything (see its error)";
                    placed = false;
                }
                String cloexec = !p.closeOnExec() ? "none" : !placed ? "n/a" : ctx.preload() ? "preload" : "deferred";
                OpenFile f = d.file();
                fds.add(new FdReport(p.fd(), p.objref(), f.type() == null ? "?" : f.type().shortName, f.path().escaped(),
                        OpenFlags.describe(f.flags() & ~io.fleetckpt.format.FileFlags.O_CLOEXEC), f.pos(), p.closeOnExec(), cloexec, status,
                        why, warnings));
            }
            tasks.add(new TaskReport(t.pid(), t.info().comm() == null ? "" : comm(t), pids.getOrDefault(t.pid(), 0),
                    t.sharedTable(), ctx.fdLimits().get(t.pid()), fds));
        }
        return new RestoreReport(dryRun, ctx.root(), plan.policy().name().toLowerCase(java.util.Locale.ROOT), !spawned.isEmpty(),
                error, ctx.notes(), tasks);
    }

    private static String comm(TaskPlan t) {
        byte[] b = t.info().comm().toByteArray();
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return io.fleetckpt.format.model.RawBytes.copyOf(b, 0, n).escaped();
    }
}
