package io.fleetckpt.agent.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs programs as an unprivileged user (nobody, via setpriv) so that the kernel, not a test
 * double, checks what that user may do: a JVM of this class path, or any command.
 */
public final class OtherUser {
    public static final int NOBODY = 65534;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private OtherUser() {
    }

    /** Skips the calling test unless this is root with setpriv at hand. */
    public static void assumeAvailable() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(SETPRIV), "no setpriv to run as another user");
        Assumptions.assumeTrue("0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString()), "needs root to become nobody");
    }

    /** {@code command} run as nobody (no supplementary groups). */
    public static List<String> asNobody(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        cmd.addAll(command);
        return cmd;
    }

    /** A java command line for {@code main} with this JVM's class path, copied where nobody can read it. */
    public static List<String> java(Path copyTo, Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp", readableClassPath(copyTo),
                main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** This JVM's class path copied into {@code cp} (~/.m2 may be root's only), world-readable. */
    public static String readableClassPath(Path cp) throws IOException {
        Files.createDirectories(cp);
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path src = Path.of(e);
            if (!Files.exists(src)) continue;
            Path dst = cp.resolve(Integer.toString(n++) + (Files.isDirectory(src) ? "" : ".jar"));
            try (Stream<Path> walk = Files.walk(src)) {
                for (Path f : walk.toList()) {
                    Path to = dst.resolve(src.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(to);
                    else Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            entries.add(dst.toString());
        }
        try (Stream<Path> walk = Files.walk(cp)) {
            for (Path f : walk.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
