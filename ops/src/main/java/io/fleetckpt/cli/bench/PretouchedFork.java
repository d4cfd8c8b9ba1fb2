package io.fleetckpt.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a benchmark in a fresh JVM whose heap is fixed and touched before main() (as JMH forks a
 * JVM per benchmark). Why: on this project's VMs the first touch of a memory page costs far more
 * than the work on it, so iterations whose allocations landed on heap the JVM had not used yet ran
 * up to 13x slower per CPU second than the others (measured: decode 160-2,200 MB/s from one
 * iteration to the next with no GC and no JIT event in between; 2,100-2,300 with the heap
 * pre-touched). A long-running aggregator pays that once; a benchmark must not pay it per
 * iteration.
 */
final class PretouchedFork {
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
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms" + heapMb + "m");
        cmd.add("-Xmx" + heapMb + "m");
        cmd.add("-XX:+AlwaysPreTouch");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.fleetckpt.cli.Main");
        cmd.addAll(mainArgs);
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        Thread errPump = pump(p.getErrorStream(), err);
        Thread outPump = pump(p.getInputStream(), out);
        int code = p.waitFor();
        outPump.join();
        errPump.join();
        return code;
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
