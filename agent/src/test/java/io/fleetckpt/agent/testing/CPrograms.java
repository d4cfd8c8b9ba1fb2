package io.fleetckpt.agent.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The tests' C programs (src/test/c/NAME.c), each built with gcc once per JVM into target/. */
public final class CPrograms {
    private static final Map<String, Path> BUILT = new HashMap<>();

    private CPrograms() {
    }

    /** Builds src/test/c/{@code name}.c; skips the calling test if there is no gcc. */
    public static synchronized Path build(String name) throws IOException, InterruptedException {
        Path done = BUILT.get(name);
        if (done != null) return done;
        Path src = Path.of("src/test/c/" + name + ".c").toAbsolutePath();
        Path bin = Path.of("target/" + name).toAbsolutePath();
        boolean gcc = Files.isExecutable(Path.of("/usr/bin/gcc")) || Files.isExecutable(Path.of("/usr/local/bin/gcc"));
        Assumptions.assumeTrue(gcc, "gcc is missing: the capture tests need it to build their C programs (run scripts/install-deps.sh)");
        Process cc = new ProcessBuilder("gcc", "-O2", "-Wall", "-pthread", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String msg = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (cc.waitFor() != 0) throw new IOException("gcc failed on " + src + ": " + msg);
        BUILT.put(name, bin);
        return bin;
    }

    /** Builds and runs a program to its end; returns its output lines. */
    public static List<String> run(String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(build(name).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(name + " exited with " + p.exitValue() + ": " + out);
        return out.lines().toList();
    }
}
