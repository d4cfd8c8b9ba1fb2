package io.fleetckpt.agent.testing;

import io.fleetckpt.agent.sys.Syscalls;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real hung filesystem: src/test/c/fusehang.c mounted on a fresh directory, with one file
 * {@link #FILE} (ino {@link #INO}, size {@link #SIZE}, mode 0640, one link), and a process
 * holding it open as fd 3. After {@link #hang()} the daemon leaves every GETATTR unanswered, so
 * a stat that asks it blocks (uninterruptibly) until {@link #close()} ends the daemon.
 * <p>
 * Nothing here may stat the file once it hangs: /proc links are read with NOFOLLOW only.
 */
public final class FuseHang implements AutoCloseable {
    public static final String FILE = "stuck";
    public static final long INO = 4242;
    public static final long SIZE = 12345;
    public static final int MODE = 0100640;
    private static final int SIGUSR1 = 10;
    /**
     * The daemon ends itself after this, whatever the JVM does: a test that wedges the JVM (a
     * thread stuck in a stat holding a JNI critical region stops every GC) is freed by it.
     */
    static final long LIFETIME_SECONDS = 180;

    public final Path mountpoint;
    /** The process with fd 3 open on the file; it echoes each line of its stdin. */
    public final Process holder;
    private final Process daemon;
    private final BufferedReader echo;

    private FuseHang(Path mountpoint, Process daemon, Process holder) {
        this.mountpoint = mountpoint;
        this.daemon = daemon;
        this.holder = holder;
        this.echo = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** Mounts the filesystem and starts the holder; skips the calling test where FUSE cannot be mounted. */
    public static FuseHang start() throws IOException, InterruptedException {
        Captures.assumeRoot();
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing: no FUSE here");
        Path bin = CPrograms.build("fusehang");
        Path mnt = Captures.tempDir("fuse");
        Process d = new ProcessBuilder(bin.toString(), mnt.toString(), Long.toString(LIFETIME_SECONDS)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(d.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (!"READY".equals(first)) {
            d.waitFor(5, TimeUnit.SECONDS);
            Assumptions.assumeTrue(d.isAlive() || d.exitValue() != 3, "FUSE cannot be mounted here: " + first);
            throw new IOException("fusehang said: " + first);
        }
        // the holder says OPEN once fd 3 is open: a poll for /proc/PID/fd/3 with a fixed bound
        // gave up on a loaded machine before bash had even started
        Process h = new ProcessBuilder("bash", "-c", "exec 3<\"$0\" && echo OPEN; while read -r x; do echo \"$x\"; done",
                mnt.resolve(FILE).toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        FuseHang f = new FuseHang(mnt, d, h);
        String said = f.nextLine(java.time.Duration.ofSeconds(60));
        if (!"OPEN".equals(said)) {
            f.close();
            throw new IOException("the holder never opened " + mnt.resolve(FILE) + " (it said " + said + ")");
        }
        return f;
    }

    public int holderPid() {
        return (int) holder.pid();
    }

    /**
     * Whether the holder runs (is not frozen or stopped): it must echo a line within the guard,
     * which a frozen process cannot do.
     */
    public boolean holderAnswers(java.time.Duration guard) throws IOException, InterruptedException {
        String token = "ping " + System.nanoTime();
        holder.getOutputStream().write((token + "\n").getBytes(StandardCharsets.US_ASCII));
        holder.getOutputStream().flush();
        return token.equals(nextLine(guard));
    }

    /** The holder's next line, or null when it says none within the guard. */
    private String nextLine(java.time.Duration guard) throws InterruptedException {
        var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return echo.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            return answer.get(guard.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    /** From now on the daemon reads GETATTR requests and never answers them. */
    public void hang() throws InterruptedException {
        if (Syscalls.system().kill((int) daemon.pid(), SIGUSR1) != 0) throw new IllegalStateException("cannot signal fusehang");
        Thread.sleep(50); // the daemon is idle in read(2): the signal handler has run long before this
    }

    /** /proc/self/mountinfo's "maj:min" of the mount (the st_dev of its files). */
    public String devMajorMinor() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f[4].equals(mountpoint.toString())) return f[2];
        }
        throw new IOException(mountpoint + " is not mounted");
    }

    /**
     * Ends the holder, then the daemon (SIGTERM: it detaches the mount and exits, which fails
     * every unanswered request with ENOTCONN and so frees whoever was blocked in it).
     */
    @Override
    public void close() throws IOException, InterruptedException {
        holder.destroyForcibly();
        holder.waitFor(10, TimeUnit.SECONDS);
        daemon.destroy();
        if (!daemon.waitFor(10, TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        if (Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mountpoint + " ")) {
            new ProcessBuilder("umount", "-l", mountpoint.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(mountpoint);
    }
}
