package io.fleetckpt.agent.testing;

import io.fleetckpt.agent.CaptureRequest;
import io.fleetckpt.agent.CaptureResult;
import io.fleetckpt.agent.Capturer;
import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.Syscalls;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;

/** Shortcuts for capture tests. */
public final class Captures {
    private Captures() {
    }

    public static void assumeRoot() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "the capture tests freeze and kcmp other processes: run them as root");
    }

    /** A request with a private state directory (tests must not share the agent's). */
    public static CaptureRequest request(Path stateDir, Selector... selectors) {
        return CaptureRequest.of(List.of(selectors)).withStateDir(stateDir);
    }

    public static CaptureResult capture(Path stateDir, int threads, Selector... selectors) throws IOException {
        try (Capturer c = new Capturer(Syscalls.system())) {
            return c.capture(request(stateDir, selectors).withThreads(threads));
        }
    }

    public static CapturedTask task(CaptureResult r, int pid) {
        return r.tasks().stream().filter(t -> t.pid() == pid).findFirst()
                .orElseThrow(() -> new NoSuchElementException("pid " + pid + " not captured: " + r.errors()));
    }

    public static CapturedFd fd(CapturedTask t, int fd) {
        return t.fds().stream().filter(f -> f.fd() == fd).findFirst()
                .orElseThrow(() -> new NoSuchElementException("fd " + fd + " not in pid " + t.pid()));
    }

    public static Path tempDir(String prefix) throws IOException {
        Files.createDirectories(Path.of("target"));
        return Files.createTempDirectory(Path.of("target").toAbsolutePath(), prefix);
    }
}
