package io.fleetckpt.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What the capture benchmark measures against: holder processes with N fds, the C floor (the
 * same syscalls as the agent, compiled with gcc from the agent's resources at bench time) and
 * lsof. Everything it starts it stops in {@link #close}.
 */
final class CaptureBenchRig implements AutoCloseable {
    private static final String SOURCE = "/io/fleetckpt/agent/bench/capturefloor.c";

    private final Path work;
    private final Path binary;
    private final List<Process> holders = new ArrayList<>();

    private CaptureBenchRig(Path work, Path binary) {
        this.work = work;
        this.binary = binary;
    }

    static CaptureBenchRig create() throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("fleetckpt-bench-capture");
        Path src = work.resolve("capturefloor.c");
        try (InputStream in = CaptureBenchRig.class.getResourceAsStream(SOURCE)) {
            if (in == null) throw new IOException("resource " + SOURCE + " missing from the jar");
            Files.copy(in, src);
        }
        Path bin = work.resolve("capturefloor");
        Process cc;
        try {
            cc = new ProcessBuilder("gcc", "-O2", "-o", bin.toString(), src.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("gcc is needed to build the C floor (run scripts/install-deps.sh): " + e.getMessage(), e);
        }
        String out = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (cc.waitFor() != 0) throw new IOException("gcc failed on the C floor: " + out);
        return new CaptureBenchRig(work, bin);
    }

    /** Starts a process holding a table of about {@code n} fds; returns its pid. */
    int hold(int n) throws IOException {
        Path dir = Files.createTempDirectory(work, "files");
        Process p = new ProcessBuilder(binary.toString(), "hold", Integer.toString(n), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        holders.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line = r.readLine();
        if (line == null || !line.startsWith("READY ")) throw new IOException("fd holder did not start: " + line);
        return Integer.parseInt(line.substring(6).trim());
    }

    /** One floor measurement: work (scan + share) and window (freeze write to thaw write), in ns. */
    record Floor(long workNs, long windowNs, int fds, int ofds, long kcmps) {
        /** A line "ns WORK WINDOW FDS OFDS KCMPS". */
        static Floor parse(String line) {
            String[] f = line.split(" ");
            return new Floor(Long.parseLong(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                    Long.parseLong(f[5]));
        }
    }

    List<Floor> floor(int reps, Path frozenCgroup, List<Integer> pids) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "floor", Integer.toString(reps)));
        if (frozenCgroup != null) cmd.addAll(List.of("--freeze", frozenCgroup.toString()));
        pids.forEach(p -> cmd.add(p.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (p.waitFor() != 0) throw new IOException("C floor failed: " + out);
        List<Floor> res = new ArrayList<>();
        for (String line : out.lines().toList()) res.add(Floor.parse(line));
        return res;
    }

    /** Starts the floor as a long-running process on {@code pids}: warm from its second repetition on, like the agent. */
    FloorServer serveFloor(List<Integer> pids) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "serve"));
        pids.forEach(p -> cmd.add(p.toString()));
        return new FloorServer(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** A running {@code capturefloor serve}: one repetition per {@link #run}. */
    static final class FloorServer implements AutoCloseable {
        private final Process process;
        private final java.io.Writer in;
        private final BufferedReader out;

        private FloorServer(Process process) {
            this.process = process;
            this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        }

        /** One repetition, freezing {@code frozenCgroup} around it (null: no freeze). */
        Floor run(Path frozenCgroup) throws IOException {
            in.write((frozenCgroup == null ? "-" : frozenCgroup.toString()) + "\n");
            in.flush();
            String line = out.readLine();
            if (line == null) throw new IOException("C floor failed (see its message above)");
            return Floor.parse(line);
        }

        @Override
        public void close() throws IOException {
            in.close();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Wall time of {@code lsof -n -P -o -p PIDS}, process start included (as a user runs it). */
    long lsofNanos(List<Integer> pids) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder("lsof", "-n", "-P", "-o", "-p",
                    pids.stream().map(String::valueOf).collect(Collectors.joining(",")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("lsof is needed as the baseline (run scripts/install-deps.sh): " + e.getMessage(), e);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("lsof took over 2 minutes");
        }
        return System.nanoTime() - t0;
    }

    /** Moves the holders into a fresh cgroup v2 directory for the floor's freeze; null without v2. */
    Path cgroupFor(Path v2Root, List<Integer> pids) throws IOException {
        if (v2Root == null) return null;
        Path cg = v2Root.resolve("fleetckpt-bench-" + ProcessHandle.current().pid());
        Files.createDirectories(cg);
        for (int p : pids) Files.writeString(cg.resolve("cgroup.procs"), Integer.toString(p));
        return cg;
    }

    static void leaveCgroup(Path origin, Path cg, List<Integer> pids) throws IOException {
        if (cg == null) return;
        Files.writeString(cg.resolve("cgroup.freeze"), "0");
        for (int p : pids) Files.writeString(origin.resolve("cgroup.procs"), Integer.toString(p));
        Files.deleteIfExists(cg);
    }

    void stopHolders() {
        for (Process p : holders) {
            try {
                p.getOutputStream().close();
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (IOException | InterruptedException e) {
                p.destroyForcibly();
            }
        }
        holders.clear();
    }

    @Override
    public void close() throws IOException {
        stopHolders();
        try (var walk = Files.walk(work)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
