package io.fleetckpt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The process tree {@code local} checkpoints when given no --pid/--tree: a shell holding a file
 * opened for append at a non-zero position, a file read part-way, a dup of the first, a
 * directory, and two forked children joined by a pipe that inherit all of them (open file
 * descriptions shared across fork). Everything lives in a temp directory removed by
 * {@link #close()}, which also ends the tree.
 */
final class SampleProcessTree implements AutoCloseable {
    private static final String SCRIPT = String.join("\n",
            "exec 3>>app.log",
            "printf 'started\\nrunning\\n' >&3",
            "exec 4<config.txt",
            "read -r first <&4",
            "exec 5>&3",
            "exec 6<.",
            "sleep 3600 | cat >/dev/null &",
            "sleep 3600 &",
            "echo ready > ready",
            "wait",
            "");

    private final Path dir;
    private final Process root;

    private SampleProcessTree(Path dir, Process root) {
        this.dir = dir;
        this.root = root;
    }

    static SampleProcessTree start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("fleetckpt-sample-");
        Files.writeString(dir.resolve("config.txt"), "listen=127.0.0.1:8080\nworkers=2\n");
        Files.writeString(dir.resolve("sample.sh"), SCRIPT);
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", dir.resolve("sample.sh").toString())
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(dir.resolve("out.log").toFile())
                .redirectError(dir.resolve("out.log").toFile());
        SampleProcessTree tree = new SampleProcessTree(dir, pb.start());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(dir.resolve("ready"))) {
            if (!tree.root.isAlive() || System.nanoTime() > deadline) {
                tree.close();
                throw new IOException("the sample process tree did not start (see its script in " + dir + ")");
            }
            Thread.sleep(20);
        }
        return tree;
    }

    long rootPid() {
        return root.pid();
    }

    /** Root first, then its descendants (for the summary). */
    List<ProcessHandle> processes() {
        return Stream.concat(Stream.of(root.toHandle()), root.descendants()).toList();
    }

    @Override
    public void close() {
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        root.destroyForcibly();
        try {
            root.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
