package io.fleetckpt.cli;

import io.fleetckpt.agent.select.ProcStat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 *
 * <p>The shell leads a session of its own (setsid): Ctrl-C at a terminal signals the whole
 * foreground process group, and in ours the shell would die while its background children (which
 * a non-interactive shell starts with SIGINT ignored) lived on, orphaned to init, out of reach of
 * {@code descendants()}. {@link #close()} ends every process of that session instead, wherever it
 * was reparented. Should the JVM die without closing it (SIGKILL), the shell gets SIGTERM as its
 * parent-death signal (setpriv) and takes its process group with it.
 */
final class SampleProcessTree implements AutoCloseable {
    private static final String SCRIPT = String.join("\n",
            // the parent-death signal (a local killed with SIGKILL) ends the children too
            "trap 'trap - TERM; kill 0' TERM",
            "exec 3>>app.log",
            "printf 'started\\nrunning\\n' >&3",
            "exec 4<config.txt",
            "read -r first <&4",
            "exec 5>&3",
            "exec 6<.",
            "sleep 3600 | cat >/dev/null &",
            "sleep 3600 &",
            // one write(2) of "PID\n": a reader sees nothing or the whole line
            "echo $$ > ready",
            "wait",
            "");
    private static final long START_TIMEOUT_S = 10;

    private final Path dir;
    /**
     * setsid(1), which execs setpriv(1), which execs the shell: a child of the JVM never leads a
     * process group, so setsid does not fork.
     */
    private final Process launcher;
    private final ProcessHandle root;
    private boolean closed;

    private SampleProcessTree(Path dir, Process launcher, ProcessHandle root) {
        this.dir = dir;
        this.launcher = launcher;
        this.root = root;
    }

    static SampleProcessTree start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("fleetckpt-sample-");
        Process launcher;
        try {
            Files.writeString(dir.resolve("config.txt"), "listen=127.0.0.1:8080\nworkers=2\n");
            Files.writeString(dir.resolve("sample.sh"), SCRIPT);
            // the parent-death signal comes when the thread that started the tree ends: the
            // command's thread, which outlives it
            launcher = new ProcessBuilder("setsid", "setpriv", "--pdeathsig", "TERM", "/bin/sh", dir.resolve("sample.sh").toString())
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(dir.resolve("out.log").toFile())
                    .redirectError(dir.resolve("out.log").toFile())
                    .start();
        } catch (IOException e) {
            deleteTree(dir);
            throw new IOException("cannot start the sample process tree (it needs /bin/sh, and setsid and setpriv from util-linux): "
                    + e.getMessage(), e);
        }
        try {
            long pid = awaitReady(dir, launcher);
            ProcessHandle root = ProcessHandle.of(pid)
                    .orElseThrow(() -> new IOException("the sample process tree's shell (pid " + pid + ") ended at once"));
            return new SampleProcessTree(dir, launcher, root);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the launcher's pid is the session's id: setsid made it the leader before exec
            killSession(launcher.pid());
            launcher.destroyForcibly();
            deleteTree(dir);
            throw e;
        }
    }

    /** The shell's pid, from the ready file it writes once its children run. */
    private static long awaitReady(Path dir, Process launcher) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (true) {
            String ready = readIfPresent(dir.resolve("ready"));
            if (ready != null && ready.endsWith("\n")) return Long.parseLong(ready.strip());
            if (!launcher.isAlive() || System.nanoTime() > deadline) {
                String log = readIfPresent(dir.resolve("out.log"));
                throw new IOException("the sample process tree did not start"
                        + (launcher.isAlive() ? " within " + START_TIMEOUT_S + " s" : " (exit " + launcher.exitValue() + ")")
                        + (log == null || log.isBlank() ? "" : ": " + log.strip().lines().reduce((a, b) -> b).orElse("")));
            }
            Thread.sleep(20);
        }
    }

    long rootPid() {
        return root.pid();
    }

    /** Root first, then its descendants (for the summary). */
    List<ProcessHandle> processes() {
        return Stream.concat(Stream.of(root), root.descendants()).toList();
    }

    /** Ends every process of the sample's session and removes its directory; safe to call again, from any thread. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        killSession(root.pid());
        try {
            launcher.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    /**
     * SIGKILLs every live process of session {@code sid} until none is left. A session outlives
     * its leader and no process leaves it except by setsid, which the sample never calls; while
     * one member lives the kernel does not hand the id out again.
     */
    static void killSession(long sid) {
        for (int round = 0; round < 100; round++) {
            List<ProcessHandle> members = sessionMembers(sid);
            if (members.isEmpty()) return;
            members.forEach(ProcessHandle::destroyForcibly);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The live (not zombie) processes whose session is {@code sid}. */
    static List<ProcessHandle> sessionMembers(long sid) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                ProcStat st = ProcStat.read((int) p.pid());
                return st != null && st.session() == sid && !st.gone();
            } catch (IOException | RuntimeException e) {
                return false; // gone while we looked, or not ours to read
            }
        }).toList();
    }

    private static String readIfPresent(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
