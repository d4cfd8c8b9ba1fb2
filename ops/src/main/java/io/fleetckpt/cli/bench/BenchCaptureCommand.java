package io.fleetckpt.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetckpt.agent.CaptureRequest;
import io.fleetckpt.agent.CaptureResult;
import io.fleetckpt.agent.Capturer;
import io.fleetckpt.agent.capture.StatCall;
import io.fleetckpt.agent.freeze.CgroupMounts;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.Syscalls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fleetckpt bench capture}: the agent's capture of one process with 10, 1,000 and 10,000
 * fds, and of several processes with ~100k in all, against the same processes measured in the
 * same run by a C program making the same syscalls (the floor) and by lsof. Medians of
 * interleaved repetitions after a warm-up; the floor, like the agent, is a long-running process
 * measured warm (and, for comparison, also started afresh for each repetition).
 */
@Command(name = "capture",
        mixinStandardHelpOptions = true,
        description = {"Capture speed: frozen window and total time of the agent against the C floor and lsof.",
                "Needs root, gcc and lsof (scripts/install-deps.sh). The last line is one JSON object."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:benchmark ran", "2:a tool is missing or a capture failed"})
public final class BenchCaptureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", split = ",", paramLabel = "N",
            description = "fds of the one-process cases (default ${DEFAULT-VALUE})")
    List<Integer> sizes = new ArrayList<>(List.of(10, 1000, 10000));

    @Option(names = "--multi", paramLabel = "PROCS", description = "processes of ~19,900 fds in the ~100k case, 0 to skip (default ${DEFAULT-VALUE})")
    int multi = 5;

    @Option(names = "--reps", paramLabel = "R", description = "repetitions of the 10,000-fd case; smaller cases run more, larger fewer (default ${DEFAULT-VALUE})")
    int reps = 5;

    @Option(names = "--threads", paramLabel = "N", description = "threads of the parallel runs (default: cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    private record Row(String name, int fds, int ofds, double j1Window, double j1Total, double jnWindow, double jnTotal,
                       double floorWork, double floorWindow, double floorFreshWindow, double lsof, Phases j1, Phases jn, long kcmps,
                       long floorKcmps, double j1FstatatWindow, Phases j1Fstatat) {
        double usPerFd(double ms) {
            return ms * 1000 / fds;
        }
    }

    /**
     * Medians of where the agent's frozen window went: scan (per-fd syscalls), sharing (kcmp) and
     * the rest (freezing, thawing, finding tasks forked meanwhile).
     */
    private record Phases(double scan, double share, double rest) {
    }

    /** Repetitions of the long-running C floor before measuring (its first touches memory and binds symbols). */
    private static final int FLOOR_WARM_UPS = 3;
    /**
     * Warm-up rounds for the smallest tables: 1,500 captures of 10 fds before the first measured
     * one (fewer left the frozen window of a 10-fd capture 1.5-2x longer, in code not yet compiled).
     */
    private static final int MAX_WARM_UP_ROUNDS = 500;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkSizes();
        CgroupMounts mounts = CgroupMounts.detect();
        Path origin = mounts.v2CgroupOf((int) ProcessHandle.current().pid());
        Path state = Files.createTempDirectory("fleetckpt-bench-state");
        List<Row> rows = new ArrayList<>();
        try (CaptureBenchRig rig = CaptureBenchRig.create(); Capturer capturer = new Capturer(Syscalls.system())) {
            List<int[]> cases = new ArrayList<>();
            for (int n : sizes) cases.add(new int[] {1, n});
            if (multi > 0) cases.add(new int[] {multi, MULTI_FDS});
            for (int[] c : cases) {
                int procs = c[0], n = c[1];
                List<Integer> pids = new ArrayList<>();
                for (int i = 0; i < procs; i++) pids.add(rig.hold(n));
                String name = procs == 1 ? "1 x " + n : procs + " x " + n;
                err.println("bench capture: " + name + " fds ...");
                int r = procs > 1 ? Math.max(1, reps - 2) : n <= 10 ? reps * 8 : n <= 1000 ? reps * 3 : reps;
                rows.add(measure(name, rig, capturer, mounts, origin, state, pids, r));
                rig.stopHolders();
            }
        } finally {
            try (var l = Files.list(state)) {
                for (Path p : l.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(state);
        }
        print(rows, out);
        out.println(json(rows));
        return 0;
    }

    /** The most processes of the ~100k case: about 1M open files in all. */
    static final int MAX_MULTI = 50;
    private static final int MULTI_FDS = 19_900;

    /**
     * Each holder's table must fit its hard RLIMIT_NOFILE (the holder raises its soft limit to it),
     * and the multi-process case stays within {@value #MAX_MULTI} processes.
     */
    private void checkSizes() {
        picocli.CommandLine cl = spec.commandLine();
        long nofile = BenchBounds.hardNofile();
        int most = (int) Math.min(Integer.MAX_VALUE, nofile);
        for (int n : sizes) {
            if (n < 1 || n > most) {
                throw new picocli.CommandLine.ParameterException(cl, String.format("--sizes %,d: each size from 1 to %,d"
                        + " (the hard RLIMIT_NOFILE here, which one process's table cannot exceed)", n, most));
            }
        }
        if (multi < 0 || multi > MAX_MULTI) {
            throw new picocli.CommandLine.ParameterException(cl, String.format("--multi %,d: from 0 to %d processes"
                    + " (%d x %,d = %,d open files at most)", multi, MAX_MULTI, MAX_MULTI, MULTI_FDS, (long) MAX_MULTI * MULTI_FDS));
        }
        if (multi > 0 && MULTI_FDS > most) {
            throw new picocli.CommandLine.ParameterException(cl, String.format("--multi needs %,d fds per process; the hard"
                    + " RLIMIT_NOFILE here is %,d: give --multi 0", MULTI_FDS, most));
        }
        if (reps < 1 || threads < 1) throw new picocli.CommandLine.ParameterException(cl, "--reps >= 1, --threads >= 1");
    }

    private Row measure(String name, CaptureBenchRig rig, Capturer capturer, CgroupMounts mounts, Path origin, Path state,
                        List<Integer> pids, int r) throws Exception {
        try (CaptureBenchRig.FloorServer floor = rig.serveFloor(pids)) {
            return measure(name, rig, floor, capturer, mounts, origin, state, pids, r);
        }
    }

    private Row measure(String name, CaptureBenchRig rig, CaptureBenchRig.FloorServer floor, Capturer capturer, CgroupMounts mounts,
                        Path origin, Path state, List<Integer> pids, int r) throws Exception {
        List<Selector> sel = pids.stream().map(p -> (Selector) new Selector.Pid(p)).toList();
        CaptureRequest one = CaptureRequest.of(sel).withStateDir(state).withThreads(1);
        CaptureRequest many = one.withThreads(threads);
        // the same capture with fstatat instead of statx (cached attributes): what the switch costs or saves
        CaptureRequest oneFstatat = one.withStatCall(StatCall.FSTATAT);
        // warm-up, as a long-running agent is warm: JIT (about 20,000 fds' worth, and for small
        // tables enough captures that the per-capture code is compiled too), procfs dentries
        int fdsPerRun = Math.max(1, pids.size() * ProcOracleCount.fds(pids.get(0)));
        for (int w = warmUps(fdsPerRun); w > 0; w--) {
            check(capturer.capture(one));
            check(capturer.capture(many));
            check(capturer.capture(oneFstatat));
        }
        for (int w = 0; w < FLOOR_WARM_UPS; w++) floorOnce(rig, floor, mounts, origin, pids, true);
        long[] j1w = new long[r], j1t = new long[r], jnw = new long[r], jnt = new long[r];
        long[] fw = new long[r], fwin = new long[r], ffresh = new long[r], ls = new long[r];
        long[] j1scan = new long[r], j1share = new long[r], jnscan = new long[r], jnshare = new long[r];
        long[] j1rest = new long[r], jnrest = new long[r];
        long[] fsw = new long[r], fsscan = new long[r], fsshare = new long[r], fsrest = new long[r];
        int fds = 0, ofds = 0;
        long kcmps = 0, floorKcmps = 0;
        for (int i = 0; i < r; i++) {
            // alternate which goes first: the first run after lsof and the floor finds colder caches
            CaptureResult a, b, c;
            if (i % 2 == 0) {
                a = check(capturer.capture(one));
                c = check(capturer.capture(oneFstatat));
                b = check(capturer.capture(many));
            } else {
                b = check(capturer.capture(many));
                c = check(capturer.capture(oneFstatat));
                a = check(capturer.capture(one));
            }
            fsw[i] = c.timings().frozenWindow();
            fsscan[i] = c.timings().scan();
            fsshare[i] = c.timings().share();
            fsrest[i] = fsw[i] - fsscan[i] - fsshare[i];
            j1w[i] = a.timings().frozenWindow();
            j1t[i] = a.timings().total();
            jnw[i] = b.timings().frozenWindow();
            jnt[i] = b.timings().total();
            j1scan[i] = a.timings().scan();
            j1share[i] = a.timings().share();
            jnscan[i] = b.timings().scan();
            jnshare[i] = b.timings().share();
            j1rest[i] = j1w[i] - j1scan[i] - j1share[i];
            jnrest[i] = jnw[i] - jnscan[i] - jnshare[i];
            kcmps = a.timings().kcmpCalls();
            fds = (int) a.fdCount();
            ofds = a.openFileCount();
            CaptureBenchRig.Floor fresh = null, f;
            if (i % 2 == 1) fresh = floorOnce(rig, floor, mounts, origin, pids, false);
            f = floorOnce(rig, floor, mounts, origin, pids, true);
            if (fresh == null) fresh = floorOnce(rig, floor, mounts, origin, pids, false);
            for (CaptureBenchRig.Floor x : List.of(f, fresh)) {
                if (x.fds() != fds || x.ofds() != ofds) {
                    throw new IllegalStateException("the C floor saw " + x.fds() + " fds / " + x.ofds()
                            + " open files, the agent " + fds + " / " + ofds);
                }
            }
            fw[i] = f.workNs();
            fwin[i] = f.windowNs();
            ffresh[i] = fresh.windowNs();
            floorKcmps = f.kcmps();
            ls[i] = rig.lsofNanos(pids);
        }
        return new Row(name, fds, ofds, med(j1w), med(j1t), med(jnw), med(jnt), med(fw), med(fwin), med(ffresh), med(ls),
                new Phases(med(j1scan), med(j1share), med(j1rest)), new Phases(med(jnscan), med(jnshare), med(jnrest)), kcmps, floorKcmps,
                med(fsw), new Phases(med(fsscan), med(fsshare), med(fsrest)));
    }

    /**
     * One repetition of the C floor under freeze: by the long-running floor process (warm, as the
     * agent is: the ratios use it) or by a fresh process (cold: its first touch of memory and
     * symbols, shown for comparison).
     */
    private static CaptureBenchRig.Floor floorOnce(CaptureBenchRig rig, CaptureBenchRig.FloorServer floor, CgroupMounts mounts,
                                                   Path origin, List<Integer> pids, boolean warm) throws Exception {
        Path cg = rig.cgroupFor(mounts.v2(), pids);
        try {
            return warm ? floor.run(cg) : rig.floor(1, cg, pids).get(0);
        } finally {
            CaptureBenchRig.leaveCgroup(origin, cg, pids);
        }
    }

    /** Rounds of warm-up captures (three captures each) for a case of {@code fdsPerRun} fds. */
    private static int warmUps(int fdsPerRun) {
        return Math.max(2, Math.min(MAX_WARM_UP_ROUNDS, 20_000 / fdsPerRun));
    }

    /** The size of a process's fd table. */
    private static final class ProcOracleCount {
        static int fds(int pid) throws IOException {
            try (var l = Files.list(Path.of("/proc", Integer.toString(pid), "fd"))) {
                return (int) l.count();
            }
        }
    }

    private static CaptureResult check(CaptureResult r) {
        if (r.partial() || !r.frozen()) throw new IllegalStateException("capture incomplete: " + r.errors() + " " + r.notes());
        return r;
    }

    private static double med(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        double m = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
        return m / 1e6;
    }

    private void print(List<Row> rows, PrintWriter out) {
        out.printf("%-12s %7s %7s | %22s | %22s | %19s | %8s | %17s%n", "case", "fds", "ofds",
                "agent 1 thread", "agent " + threads + " threads", "C floor", "lsof", "µs/fd 1T/" + threads + "T/C/lsof");
        out.printf("%-12s %7s %7s | %10s %11s | %10s %11s | %9s %9s | %8s |%n", "", "", "", "frozen ms", "total ms",
                "frozen ms", "total ms", "work ms", "window", "ms");
        for (Row r : rows) {
            out.printf("%-12s %7d %7d | %10.2f %11.2f | %10.2f %11.2f | %9.2f %9.2f | %8.2f | %4.1f/%4.1f/%4.1f/%4.1f%n",
                    r.name(), r.fds(), r.ofds(), r.j1Window(), r.j1Total(), r.jnWindow(), r.jnTotal(), r.floorWork(),
                    r.floorWindow(), r.lsof(), r.usPerFd(r.j1Window()), r.usPerFd(r.jnWindow()), r.usPerFd(r.floorWindow()),
                    r.usPerFd(r.lsof()));
        }
        out.println();
        out.printf("inside the agent's frozen window (ms; rest = freezing, thawing, tasks forked meanwhile), and kcmp calls:%n");
        for (Row r : rows) {
            out.printf("  %-12s 1T scan %.2f share %.2f rest %.2f  %dT scan %.2f share %.2f rest %.2f  | kcmp agent %d, C floor %d%n",
                    r.name(), r.j1().scan(), r.j1().share(), r.j1().rest(), threads, r.jn().scan(), r.jn().share(),
                    r.jn().rest(), r.kcmps(), r.floorKcmps());
        }
        out.println("  per fd, agent and C floor make the same syscalls: readlinkat, openat+read+close of fdinfo,"
                + " statx (cached attributes); the agent makes fewer kcmp calls (its merge sort joins equal files as it meets them).");
        out.println();
        out.println("what is measured: both windows run from the freeze request to the thaw request, both processes warm"
                + " (the agent after " + MAX_WARM_UP_ROUNDS * 3 + " warm-up captures for the smallest case, down to 6 for the"
                + " largest; the C floor kept running after " + FLOOR_WARM_UPS + " repetitions);"
                + " the same C floor started afresh for each repetition, cold, for comparison:");
        for (Row r : rows) {
            out.printf("  %-12s C floor window warm %.2f ms, fresh process %.2f ms (fresh/warm %.2f)%n", r.name(), r.floorWindow(),
                    r.floorFreshWindow(), r.floorFreshWindow() / r.floorWindow());
        }
        out.println();
        out.println("stat call, agent 1 thread, same run: statx with AT_STATX_DONT_SYNC (the default) against fstatat:");
        for (Row r : rows) {
            out.printf("  %-12s frozen window statx %.2f ms, fstatat %.2f ms (statx/fstatat %.2f); scan %.2f / %.2f ms%n",
                    r.name(), r.j1Window(), r.j1FstatatWindow(), r.j1Window() / r.j1FstatatWindow(), r.j1().scan(),
                    r.j1Fstatat().scan());
        }
        out.println();
        out.printf("ratios (frozen window / C floor window; targets <= 1.2 single-threaded, <= 0.7 with %d threads;"
                + " agent total / lsof, target < 1):%n", threads);
        for (Row r : rows) {
            out.printf("  %-12s 1T %.2f  %dT %.2f  | total/lsof 1T %.2f  %dT %.2f%n", r.name(), r.j1Window() / r.floorWindow(),
                    threads, r.jnWindow() / r.floorWindow(), r.j1Total() / r.lsof(), threads, r.jnTotal() / r.lsof());
        }
    }

    private String json(List<Row> rows) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("bench", "capture");
        root.put("threads", threads);
        Row ten = rows.stream().filter(r -> r.name().equals("1 x 10000")).findFirst()
                .orElse(rows.isEmpty() ? null : rows.get(rows.size() - 1));
        if (ten != null) {
            root.put("case", ten.name());
            root.put("fds", ten.fds());
            root.put("open_files", ten.ofds());
            root.put("frozen_ms", round(ten.jnWindow()));
            root.put("total_ms", round(ten.jnTotal()));
            root.put("frozen_ms_1t", round(ten.j1Window()));
            root.put("total_ms_1t", round(ten.j1Total()));
            root.put("floor_ms", round(ten.floorWindow()));
            root.put("floor_work_ms", round(ten.floorWork()));
            root.put("floor_fresh_ms", round(ten.floorFreshWindow()));
            root.put("lsof_ms", round(ten.lsof()));
            root.put("ratio_frozen_floor_1t", round(ten.j1Window() / ten.floorWindow()));
            root.put("ratio_frozen_floor", round(ten.jnWindow() / ten.floorWindow()));
            root.put("frozen_ms_1t_fstatat", round(ten.j1FstatatWindow()));
            root.put("ratio_statx_fstatat_1t", round(ten.j1Window() / ten.j1FstatatWindow()));
        }
        var all = root.putArray("cases");
        for (Row r : rows) {
            ObjectNode n = all.addObject();
            n.put("case", r.name());
            n.put("fds", r.fds());
            n.put("frozen_ms_1t", round(r.j1Window()));
            n.put("frozen_ms_1t_fstatat", round(r.j1FstatatWindow()));
            n.put("total_ms_1t", round(r.j1Total()));
            n.put("frozen_ms", round(r.jnWindow()));
            n.put("total_ms", round(r.jnTotal()));
            n.put("floor_ms", round(r.floorWindow()));
            n.put("floor_fresh_ms", round(r.floorFreshWindow()));
            n.put("lsof_ms", round(r.lsof()));
        }
        return om.writeValueAsString(root);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

}
