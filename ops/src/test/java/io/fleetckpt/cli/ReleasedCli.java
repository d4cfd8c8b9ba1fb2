package io.fleetckpt.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fleetckpt} in a JVM of its own with the logging configuration that ships (the main
 * resources, not this module's test ones): what a user sees on stderr.
 */
record ReleasedCli(int code, List<String> err) {
    /** Runs the command, which must end within {@code boundSeconds} (a bound against hangs, not a speed target). */
    static ReleasedCli run(Path tmp, int boundSeconds, String... args) throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes")).collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, Main.class.getName()));
        cmd.addAll(List.of(args));
        Path errFile = Files.createTempFile(tmp, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("FLEETCKPT_DEBUG");
        Process p = pb.start();
        boolean ended = p.waitFor(boundSeconds, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor();
        List<String> err = Files.readAllLines(errFile);
        assertTrue(ended, "still running after " + boundSeconds + " s:\n" + String.join("\n", err));
        return new ReleasedCli(p.exitValue(), err);
    }

    String errText() {
        return String.join("\n", err);
    }
}
