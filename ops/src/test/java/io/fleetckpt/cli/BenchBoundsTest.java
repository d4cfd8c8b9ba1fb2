package io.fleetckpt.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmarks refuse sizes this machine cannot hold, before allocating or forking anything,
 * and the codec benchmark's forked JVM does not outlive its parent, however the parent ends.
 */
class BenchBoundsTest {
    @TempDir
    Path tmp;

    private static void usageError(CliRun r, String command, String says) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("fleetckpt " + command + ": error: "), r.err());
        assertTrue(r.err().contains(says), r.err() + " should say " + says);
        assertTrue(!r.err().contains("forking"), r.err());
    }

    @Test
    void absurdSizesAreUsageErrorsNamingTheOptions() {
        usageError(CliRun.of("bench", "codec", "--tasks", "99999999", "--fds", "99999999"), "bench codec",
                "--tasks at most 4,194,304 and --fds at most 1,048,576");
        CliRun big = CliRun.of("bench", "codec", "--tasks", "4000000", "--fds", "1000000");
        usageError(big, "bench codec", "--tasks × --fds = 4,000,000,000,000 fd entries needs ~6,153,846,410 MB of heap; at most ");
        assertTrue(big.err().contains(" fd entries fit here ("), big.err());
        usageError(CliRun.of("bench", "codec", "--tasks", "100000", "--fds", "100000", "--in-process"), "bench codec",
                "MB heap)");
        usageError(CliRun.of("bench", "pipeline", "--hosts", "100000", "--tasks", "10000", "--fds", "1000"), "bench pipeline",
                "--hosts × --tasks × --fds = 1,000,000,000,000 fd entries needs ~");
        usageError(CliRun.of("bench", "capture", "--sizes", "10,99999999"), "bench capture",
                "--sizes 99,999,999: each size from 1 to ");
        usageError(CliRun.of("bench", "capture", "--multi", "100000"), "bench capture", "--multi 100,000: from 0 to 50 processes");
    }

    @Test
    void theForkedChildDiesWithItsParentOnSigkill() throws Exception {
        childEndsWith(true);
    }

    @Test
    void theForkedChildDiesWithItsParentOnSigterm() throws Exception {
        childEndsWith(false);
    }

    /** Starts {@code bench codec} in a JVM of its own, ends that JVM once its fork works, and watches the fork. */
    private void childEndsWith(boolean kill) throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes")).collect(Collectors.joining(File.pathSeparator));
        // 200k fd entries (a 563 MB heap) and warm-up iterations that last minutes: only a signal ends it
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classpath, Main.class.getName(), "bench", "codec", "--tasks", "200", "--fds", "1000",
                "--warmup", "100000", "--iterations", "1"));
        Path err = tmp.resolve(kill ? "kill.err" : "term.err");
        Process parent = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ProcessHandle child = null;
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && !Files.readString(err).contains("warm-up 1 ")) {
                assertTrue(parent.isAlive(), "the benchmark ended early: " + Files.readString(err));
                Thread.sleep(100);
            }
            assertTrue(Files.readString(err).contains("warm-up 1 "), "the fork never started measuring: " + Files.readString(err));
            Optional<ProcessHandle> c = parent.toHandle().children().findFirst();
            assertTrue(c.isPresent(), "no forked child");
            child = c.get();
            assertTrue(child.info().commandLine().orElse("").contains("-Dfleetckpt.bench.parent=" + parent.pid()),
                    "the child is not the benchmark's fork");
            if (kill) parent.destroyForcibly();
            else parent.destroy();
            assertTrue(parent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the parent did not end");
            long gone = System.nanoTime() + 10_000_000_000L;
            while (child.isAlive() && System.nanoTime() < gone) Thread.sleep(50);
            assertTrue(!child.isAlive(), "the forked benchmark JVM " + child.pid() + " outlived its parent ("
                    + (kill ? "SIGKILL" : "SIGTERM") + ")");
        } finally {
            parent.destroyForcibly();
            if (child != null) child.destroyForcibly();
        }
    }
}
