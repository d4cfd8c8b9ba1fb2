package io.fleetckpt.restore;

import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.restore.plan.UnrestorablePolicy;
import io.fleetckpt.restore.spawn.BundledPreload;
import io.fleetckpt.restore.report.FdReport;
import io.fleetckpt.restore.report.FdStatus;
import io.fleetckpt.restore.report.RestoreReport;
import io.fleetckpt.restore.spawn.SpawnedTask;
import io.fleetckpt.restore.sys.Sys;
import io.fleetckpt.restore.testing.CPrograms;
import io.fleetckpt.restore.testing.AgentCapture;
import io.fleetckpt.restore.testing.ReportedTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Captures a real process with the agent (the holder helper: files at positions, O_APPEND, dups, close-on-exec
 * on one of two dups, a directory, a pipe, a non-blocking file, the same file opened twice, a
 * forked child) and restores it into fdreport, which lists its own fd table; compared fd by fd,
 * with kcmp for sharing inside one restored process and across two.
 */
class RestoreLiveTest {
    @TempDir
    Path tmp;
    private Path data;
    private final List<Process> started = new ArrayList<>();
    private final List<Integer> restored = new ArrayList<>();
    private int parent;
    private int child;

    @BeforeEach
    void startHolder() throws Exception {
        data = Files.createDirectories(tmp.resolve("data"));
        Files.write(data.resolve("a.txt"), new byte[300]);
        Files.writeString(data.resolve("log.txt"), "");
        Files.write(data.resolve("b.txt"), new byte[50]);
        Files.writeString(data.resolve("c.txt"), "c\n");
        Files.writeString(data.resolve("d.txt"), "hello\n");
        Path ready = tmp.resolve("ready");
        Process p = new ProcessBuilder(CPrograms.get("holder").toString(), data.toString(), ready.toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        String[] pids = CPrograms.awaitFile(ready).trim().split(" ");
        parent = Integer.parseInt(pids[0]);
        child = Integer.parseInt(pids[1]);
    }

    @AfterEach
    void stop() throws Exception {
        for (int pid : List.of(parent, child)) kill(pid);
        for (int pid : restored) kill(pid);
        for (Process p : started) p.waitFor();
    }

    private void kill(int pid) throws Exception {
        if (pid > 0) new ProcessBuilder("kill", "-9", Integer.toString(pid)).start().waitFor();
    }

    private RestoreOutcome restore(Image image, List<Integer> pids, boolean tree, Path root, UnrestorablePolicy policy,
                                   Path out) throws Exception {
        return restore(image, pids, tree, root, policy, out, null, false);
    }

    private RestoreOutcome restore(Image image, List<Integer> pids, boolean tree, Path root, UnrestorablePolicy policy,
                                   Path out, Path preload, boolean perPid) throws Exception {
        List<byte[]> cmd = new ArrayList<>(List.of(CPrograms.get("fdreport").toString().getBytes(StandardCharsets.UTF_8),
                out.toString().getBytes(StandardCharsets.UTF_8), "wait".getBytes(StandardCharsets.UTF_8)));
        if (perPid) cmd.add("perpid".getBytes(StandardCharsets.UTF_8));
        RestoreOutcome o = new Restorer().restore(new RestoreRequest(image, pids, tree, root, policy, false, cmd,
                Map.of("PATH", "/usr/bin:/bin"), preload));
        for (SpawnedTask s : o.spawned()) restored.add(s.pid());
        return o;
    }

    @Test
    void restoredTableMatchesTheOriginalFdByFd() throws Exception {
        Image image = AgentCapture.capture(tmp.resolve("state"), List.of(Selector.pid(parent)));
        Path out = tmp.resolve("report");
        RestoreOutcome o = restore(image, List.of(parent), false, null, UnrestorablePolicy.DEVNULL, out);
        ReportedTable got = ReportedTable.parse(CPrograms.awaitFile(out));
        ReportedTable want = ReportedTable.parse(ReportedTable.ofProcess(parent));
        int newPid = o.spawned().get(0).pid();

        assertEquals(want.fds().keySet(), got.fds().keySet(), "exactly the original fd numbers, nothing of the JVM's");
        for (ReportedTable.Fd w : want.fds().values()) {
            ReportedTable.Fd g = got.fds().get(w.fd());
            if (w.path().startsWith("pipe:")) {
                assertEquals("/dev/null", g.path(), "fd " + w.fd() + " placeholder");
                assertEquals(w.flags() & 3, g.flags() & 3, "fd " + w.fd() + " placeholder access mode");
                continue;
            }
            assertEquals(w.path(), g.path(), "fd " + w.fd() + " path");
            assertEquals(w.pos(), g.pos(), "fd " + w.fd() + " pos");
            assertEquals(w.flags() & ~02000000, g.flags() & ~02000000, "fd " + w.fd() + " flags");
            assertEquals(w.mode(), g.mode(), "fd " + w.fd() + " file type");
        }
        assertEquals(0, got.fds().get(6).flags() & 02000000, "cloexec fd survives exec only without FD_CLOEXEC");
        assertEquals("6", got.cloexecEnv(), "the fd that had close-on-exec is named for COMMAND");
        assertEquals(102001, Integer.parseInt(Integer.toOctalString(got.fds().get(4).flags())), "O_WRONLY|O_APPEND");
        assertEquals(04000, got.fds().get(11).flags() & 04000, "O_NONBLOCK set");

        assertEquals(0, Sys.kcmpFile(newPid, newPid, 3, 10), "dup'ed fds 3 and 10 share one description");
        assertEquals(0, Sys.kcmpFile(newPid, newPid, 5, 6), "fds 5 and 6 share one description");
        assertNotEquals(0, Sys.kcmpFile(newPid, newPid, 8, 9), "the two pipe ends were two descriptions, so are their placeholders");
        assertNotEquals(0, Sys.kcmpFile(newPid, newPid, 3, 12), "a separate open stays separate");

        RestoreReport r = o.report();
        FdReport fd8 = r.tasks().get(0).fds().stream().filter(f -> f.fd() == 8).findFirst().orElseThrow();
        assertEquals(FdStatus.PLACEHOLDER, fd8.status());
        assertTrue(fd8.why().contains("pipe"), fd8.why());
        FdReport fd6 = r.tasks().get(0).fds().stream().filter(f -> f.fd() == 6).findFirst().orElseThrow();
        assertEquals("deferred", fd6.cloexec());
        assertEquals(1, r.exitCode(), "placeholders make the restore partial");
    }

    @Test
    void treeRestoreSharesDescriptionsAcrossProcesses() throws Exception {
        Image image = AgentCapture.capture(tmp.resolve("state"), List.of(Selector.tree(parent)));
        Path out = tmp.resolve("report");
        RestoreOutcome o = restore(image, List.of(parent), true, null, UnrestorablePolicy.SKIP, out, null, true);
        assertEquals(2, o.spawned().size());
        int a = o.spawned().get(0).pid();
        int b = o.spawned().get(1).pid();
        ReportedTable ta = ReportedTable.parse(CPrograms.awaitFile(Path.of(out + "." + a)));
        ReportedTable tb = ReportedTable.parse(CPrograms.awaitFile(Path.of(out + "." + b)));
        assertEquals(0, Sys.kcmpFile(a, b, 3, 3), "fd 3 is one description across the restored processes");
        assertEquals(0, Sys.kcmpFile(a, b, 10, 3));
        assertEquals(0, Sys.kcmpFile(a, b, 4, 4), "the O_APPEND log too");
        assertNotEquals(0, Sys.kcmpFile(a, b, 12, 3));
        assertEquals(o.report().tasks().get(1).imagePid(), child);
        assertEquals(3, tb.fds().get(13).pos(), "the child's own file is at fd 13");
        assertFalse(ta.fds().containsKey(13));
        assertFalse(tb.fds().containsKey(8) || tb.fds().containsKey(9), "pipes skipped");
        assertEquals(ta.fds().get(5).pos(), tb.fds().get(5).pos());
    }

    @Test
    void relocatedUnderRootAfterTheOriginalFilesAreGone() throws Exception {
        Image image = AgentCapture.capture(tmp.resolve("state"), List.of(Selector.pid(parent)));
        Path root = tmp.resolve("newroot");
        Path moved = Files.createDirectories(root.resolve(data.toString().substring(1)));
        try (var s = Files.list(data)) {
            for (Path f : s.toList()) Files.move(f, moved.resolve(f.getFileName()));
        }
        Files.createDirectories(root.resolve("dev"));
        Path out = tmp.resolve("report");
        RestoreOutcome o = restore(image, List.of(parent), false, root, UnrestorablePolicy.SKIP, out);
        ReportedTable got = ReportedTable.parse(CPrograms.awaitFile(out));
        assertEquals(moved.resolve("a.txt").toString(), got.fds().get(3).path());
        assertEquals(100, got.fds().get(3).pos());
        assertEquals(moved.resolve("log.txt").toString(), got.fds().get(4).path());
        assertEquals(moved.toString(), got.fds().get(7).path(), "the directory too");
        assertEquals(0, Sys.kcmpFile(o.spawned().get(0).pid(), o.spawned().get(0).pid(), 3, 10));
        assertFalse(got.fds().containsKey(0), "/dev/null is not under the new root: reported, not taken from the host");
        assertTrue(o.report().tasks().get(0).fds().get(0).why().startsWith("no longer exists: " + root + "/dev/null"),
                o.report().tasks().get(0).fds().get(0).why());
    }

    @Test
    void preloadLibrarySetsCloseOnExecAgainInsideCommand() throws Exception {
        Image image = AgentCapture.capture(tmp.resolve("state"), List.of(Selector.pid(parent)));
        Path out = tmp.resolve("report");
        RestoreOutcome o = restore(image, List.of(parent), false, null, UnrestorablePolicy.SKIP, out, bundledPreload(), false);
        ReportedTable got = ReportedTable.parse(CPrograms.awaitFile(out));
        assertTrue(got.fds().get(6).cloexec(), "fd 6 had close-on-exec in the original and has it again");
        assertFalse(got.fds().get(5).cloexec(), "its dup at fd 5 did not and does not");
        assertEquals(02000000, got.fds().get(6).flags() & 02000000);
        assertEquals("", got.cloexecEnv(), "the list is consumed, so COMMAND's children do not act on it");
        assertEquals(0, Sys.kcmpFile(o.spawned().get(0).pid(), o.spawned().get(0).pid(), 5, 6));
        String env = Files.readString(Path.of("/proc/" + o.spawned().get(0).pid() + "/environ"));
        assertTrue(env.contains("FLEETCKPT_CLOEXEC_FDS=6"), "exec'd with the list; the library unset it in-process");
        assertEquals("preload", o.report().tasks().get(0).fds().stream().filter(f -> f.fd() == 6).findFirst().orElseThrow().cloexec());
    }

    /** The library this build packed into the jar (the same one `fleetckpt restore` uses by default). */
    private Path bundledPreload() throws java.io.IOException {
        assumeTrue(BundledPreload.available(), "built without gcc: no bundled preload library");
        return BundledPreload.install(tmp.resolve("cache")).orElseThrow();
    }
}
