package io.fleetckpt.agent.testing;


import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running fdfixture process (src/test/c/fdfixture.c, compiled with gcc on first use): what it
 * said it opened, and its stdin to tell it to close fds or end.
 */
public final class Fixture implements AutoCloseable {
    public final Process process;
    public final int pid;
    public final int child;
    /** the parent's named fds ("FD name n") */
    public final Map<String, Integer> fds = new LinkedHashMap<>();
    /** the forked child's named fds ("CFD name n") */
    public final Map<String, Integer> childFds = new LinkedHashMap<>();
    private final BufferedReader out;
    private final OutputStream in;

    private Fixture(Process p) throws IOException {
        this.process = p;
        this.out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        this.in = p.getOutputStream();
        int c = 0;
        int ready = -1;
        String line;
        while ((line = out.readLine()) != null) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "FD" -> fds.put(f[1], Integer.parseInt(f[2]));
                case "CFD" -> childFds.put(f[1], Integer.parseInt(f[2]));
                case "CHILD" -> c = Integer.parseInt(f[1]);
                case "READY" -> ready = Integer.parseInt(f[1]);
                default -> throw new IOException("fixture said: " + line);
            }
            if (ready >= 0) break;
        }
        if (ready < 0) throw new IOException("fixture ended before READY: " + new String(p.getErrorStream().readAllBytes()));
        this.pid = ready;
        this.child = c;
    }

    /** Compiles the fixture once per JVM; skips the calling test if there is no gcc. */
    public static Path binary() throws IOException, InterruptedException {
        return CPrograms.build("fdfixture");
    }

    public static Fixture start(String... args) throws IOException, InterruptedException {
        return startProgramUnder(List.of(), "fdfixture", args);
    }

    /** As {@link #start}, run by {@code wrapper} (e.g. setpriv as another user). */
    public static Fixture startUnder(List<String> wrapper, String... args) throws IOException, InterruptedException {
        return startProgramUnder(wrapper, "fdfixture", args);
    }

    /** Starts another test C program that speaks the fixture's protocol (FD lines, READY, stdin). */
    public static Fixture startProgram(String program, String... args) throws IOException, InterruptedException {
        return startProgramUnder(List.of(), program, args);
    }

    private static Fixture startProgramUnder(List<String> wrapper, String program, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(CPrograms.build(program).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            return new Fixture(p);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Asks the fixture to close one of its fds and waits until it did. */
    public void closeFd(int fd) throws IOException {
        in.write(("close " + fd + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
        String line = out.readLine();
        if (line == null || !line.equals("closed " + fd)) throw new IOException("fixture answered " + line);
    }

    /** Asks the fixture to fork a child (that only pauses); returns the child's pid. */
    public int fork() throws IOException {
        in.write("fork\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        String line = out.readLine();
        if (line == null || !line.startsWith("forked ")) throw new IOException("fixture answered " + line);
        return Integer.parseInt(line.substring(7).trim());
    }

    /** Runs an oracle mode of the fixture binary and returns its output lines. */
    public static List<String> oracle(String input, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream o = p.getOutputStream()) {
            o.write(input.getBytes(StandardCharsets.US_ASCII));
        }
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
        if (!p.waitFor(60, TimeUnit.SECONDS)) throw new IOException("oracle hung");
        return lines;
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        if (child > 0) ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
    }
}
