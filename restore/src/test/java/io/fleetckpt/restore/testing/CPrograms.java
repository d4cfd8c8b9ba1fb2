package io.fleetckpt.restore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Compiles the test's C helpers (test resources c/*.c) with gcc, once per test JVM. */
public final class CPrograms {
    private static Path dir;

    private CPrograms() {
    }

    public static synchronized Path get(String name) throws IOException, InterruptedException {
        if (dir == null) dir = Files.createTempDirectory("fleetckpt-c");
        Path exe = dir.resolve(name);
        if (Files.exists(exe)) return exe;
        Path src = dir.resolve(name + ".c");
        try (var in = CPrograms.class.getResourceAsStream("/c/" + name + ".c")) {
            if (in == null) throw new IOException("no test resource c/" + name + ".c");
            Files.copy(in, src);
        }
        Process p = new ProcessBuilder("gcc", "-O1", "-Wall", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("gcc " + name + ": " + out);
        return exe;
    }

    /** Waits for a file a helper publishes by rename; a generous bound, not a timing assertion. */
    public static String awaitFile(Path file) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) throw new IOException("helper never wrote " + file);
            Thread.sleep(10);
        }
        return Files.readString(file);
    }
}
