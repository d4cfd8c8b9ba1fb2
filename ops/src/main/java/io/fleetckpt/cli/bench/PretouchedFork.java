package io.fleetckpt.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a benchmark in a fresh JVM whose heap is fixed and touched before main() (as JMH forks a
 * JVM per benchmark). Why: on this project's VMs the first touch of a memory page costs far more
 * than the work on it, so iterations whose allocations landed on heap the JVM had not used yet ran
 * up to 13x slower per CPU second than the others (measured: decode 160-2,200 MB/s from one
 * iteration to the next with no GC and no JIT event in between; 2,100-2,300 with the heap
 * pre-touched). A long-running aggregator pays that once; a benchmark must not pay it per
 * iteration.
 *
 * <p>The child dies with its parent: a signal to the parent destroys it (a shutdown hook), the
 * kernel kills it if the parent is killed outright ({@code setpriv --pdeathsig KILL}, where
 * util-linux has setpriv), and failing both it ends itself once its parent is gone
 * ({@link #exitWithParent()}), so no benchmark JVM with gigabytes of touched heap outlives the
 * command a user interrupted.
 */
final class PretouchedFork {
    /** The parent's pid, given to the child so that it can notice being orphaned. */
    static final String PARENT_PROPERTY = "fleetckpt.bench.parent";
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private PretouchedFork() {
    }

    /**
     * @param heapMb   the child's initial and maximum heap, touched at start
     * @param mainArgs the fleetckpt command line the child runs
     * @return the child's exit code
     */
    static int run(long heapMb, List<String> mainArgs, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) cmd.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL"));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-D" + PARENT_PROPERTY + "=" + ProcessHandle.current().pid());
        cmd.add("-Xms" + heapMb + "m");
        cmd.add("-Xmx" + heapMb + "m");
        cmd.add("-XX:+AlwaysPreTouch");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.fleetckpt.cli.Main");
        cmd.addAll(mainArgs);
        Process p = new ProcessBuilder(cmd).start();
        Thread reaper = new Thread(() -> destroy(p), "fleetckpt-bench-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            p.getOutputStream().close();
            Thread errPump = pump(p.getErrorStream(), err);
            Thread outPump = pump(p.getInputStream(), out);
            int code = p.waitFor();
            outPump.join();
            errPump.join();
            return code;
        } finally {
            destroy(p);
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it does the same
            }
        }
    }

    /** SIGTERM, then SIGKILL if the child has not ended within 3 s. */
    private static void destroy(Process p) {
        if (!p.isAlive()) return;
        p.destroy();
        try {
            if (!p.waitFor(3, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * In a forked child: ends this JVM (exit 143, as SIGTERM would) once the parent that forked it
     * is gone, checked four times a second. Does nothing in a JVM that was not forked by {@link #run}.
     */
    static void exitWithParent() {
        String parent = System.getProperty(PARENT_PROPERTY);
        if (parent == null) return;
        long ppid = Long.parseLong(parent);
        Thread t = new Thread(() -> {
            while (true) {
                // orphaned: reparented to init or a subreaper, so the parent is no longer ours
                if (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != ppid) {
                    Runtime.getRuntime().halt(143);
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fleetckpt-bench-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    private static Thread pump(InputStream in, PrintWriter to) {
        Thread t = new Thread(() -> {
            char[] buf = new char[8192];
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                for (int n; (n = r.read(buf)) > 0; ) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                to.println("fleetckpt bench: lost the forked benchmark's output: " + e.getMessage());
            }
        }, "fleetckpt-bench-pump");
        t.start();
        return t;
    }
}
