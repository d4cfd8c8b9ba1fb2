package io.fleetckpt.restore;

import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.restore.plan.UnrestorablePolicy;
import io.fleetckpt.restore.report.FdReport;
import io.fleetckpt.restore.report.FdStatus;
import io.fleetckpt.restore.spawn.SpawnedTask;
import io.fleetckpt.restore.sys.Sys;
import io.fleetckpt.restore.testing.AgentCapture;
import io.fleetckpt.restore.testing.CPrograms;
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

import static org.junit.jupiter.api.Assertions.*;

/**
 * O_PATH fds of a real process (the pathholder helper: a regular file, a directory, a symlink
 * held with O_NOFOLLOW, a dup, a second description of the same file), captured with the agent
 * and restored into fdreport, which lists its own table: flags, file type, target and sharing
 * must be what the kernel reported for the original.
 */
class RestorePathFdsTest {
    private static final int O_PATH = 010000000;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;

    @TempDir
    Path tmp;
    private Path data;
    private Process holder;
    private int pid;
    private final List<Integer> restored = new ArrayList<>();

    @BeforeEach
    void startHolder() throws Exception {
        data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("f.txt"), "path only\n");
        Files.createDirectories(data.resolve("sub"));
        // absolute and outside any root: only the link itself may be reopened, never followed
        Files.createSymbolicLink(data.resolve("link"), Path.of("/etc/hostname"));
        Path ready = tmp.resolve("ready");
        holder = new ProcessBuilder(CPrograms.get("pathholder").toString(), data.toString(), ready.toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        pid = Integer.parseInt(CPrograms.awaitFile(ready).trim());
    }

    @AfterEach
    void stop() throws Exception {
        holder.destroyForcibly().waitFor();
        for (int p : restored) new ProcessBuilder("kill", "-9", Integer.toString(p)).start().waitFor();
    }

    private RestoreOutcome restore(Image image, Path root, Path out, UnrestorablePolicy policy) throws Exception {
        List<byte[]> cmd = List.of(CPrograms.get("fdreport").toString().getBytes(StandardCharsets.UTF_8),
                out.toString().getBytes(StandardCharsets.UTF_8), "wait".getBytes(StandardCharsets.UTF_8));
        RestoreOutcome o = new Restorer().restore(new RestoreRequest(image, List.of(pid), false, root,
                policy, false, cmd, Map.of()));
        for (SpawnedTask s : o.spawned()) restored.add(s.pid());
        return o;
    }

    @Test
    void pathOnlyFdsAreReopenedAsTheKernelReportedThem() throws Exception {
        Image image = AgentCapture.capture(tmp.resolve("state"), List.of(Selector.pid(pid)));
        ReportedTable want = ReportedTable.parse(ReportedTable.ofProcess(pid));
        // the original is what the helper says it is, so the comparison below means something
        assertEquals(O_PATH, want.fds().get(3).flags() & ~O_CLOEXEC);
        assertEquals(O_PATH | O_DIRECTORY, want.fds().get(4).flags());
        assertEquals(O_PATH | O_NOFOLLOW, want.fds().get(5).flags());
        assertEquals(S_IFLNK, want.fds().get(5).mode());

        Path out = tmp.resolve("report");
        RestoreOutcome o = restore(image, null, out, UnrestorablePolicy.FAIL);
        assertNull(o.report().error());
        for (FdReport f : o.report().tasks().get(0).fds()) assertEquals(FdStatus.RESTORED, f.status(), "fd " + f.fd() + ": " + f.why());
        assertEquals("LINK", o.report().tasks().get(0).fds().stream().filter(f -> f.fd() == 5).findFirst().orElseThrow().type());
        ReportedTable got = ReportedTable.parse(CPrograms.awaitFile(out));

        assertEquals(want.fds().keySet(), got.fds().keySet(), "exactly the original fd numbers");
        for (ReportedTable.Fd w : want.fds().values()) {
            ReportedTable.Fd g = got.fds().get(w.fd());
            assertEquals(w.flags() & ~O_CLOEXEC, g.flags() & ~O_CLOEXEC, "fd " + w.fd() + " flags");
            assertEquals(w.mode(), g.mode(), "fd " + w.fd() + " file type");
            assertEquals(w.path(), g.path(), "fd " + w.fd() + " target");
        }
        assertEquals(S_IFREG, got.fds().get(3).mode());
        assertEquals(S_IFDIR, got.fds().get(4).mode());
        assertEquals(S_IFLNK, got.fds().get(5).mode(), "the symlink itself, not /etc/hostname");
        int p = o.spawned().get(0).pid();
        assertEquals(0, Sys.kcmpFile(p, p, 3, 6), "the dup shares the one O_PATH description");
        assertNotEquals(0, Sys.kcmpFile(p, p, 3, 7), "a second O_PATH open of the same file stays separate");
    }

    @Test
    void aSymlinkHeldWithNofollowIsReopenedBeneathTheRootWithoutFollowingIt() throws Exception {
        Image image = AgentCapture.capture(tmp.resolve("state"), List.of(Selector.pid(pid)));
        Path root = tmp.resolve("newroot");
        Path moved = Files.createDirectories(root.resolve(data.toString().substring(1)));
        Files.move(data.resolve("f.txt"), moved.resolve("f.txt"));
        Files.move(data.resolve("sub"), moved.resolve("sub"));
        Files.move(data.resolve("link"), moved.resolve("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Path out = tmp.resolve("report");
        RestoreOutcome o = restore(image, root, out, UnrestorablePolicy.SKIP);
        // fds 0-2 are the host's /dev/null, not under the new root: only the O_PATH fds count here
        for (FdReport f : o.report().tasks().get(0).fds()) if (f.fd() >= 3) assertEquals(FdStatus.RESTORED, f.status(), "fd " + f.fd() + ": " + f.why());
        ReportedTable got = ReportedTable.parse(CPrograms.awaitFile(out));
        assertEquals(moved.resolve("link").toString(), got.fds().get(5).path(),
                "the link under the root, although it names /etc/hostname, outside the root");
        assertEquals(S_IFLNK, got.fds().get(5).mode());
        assertEquals(O_PATH | O_NOFOLLOW, got.fds().get(5).flags());
        assertEquals(moved.resolve("sub").toString(), got.fds().get(4).path());
        assertEquals(moved.resolve("f.txt").toString(), got.fds().get(3).path());
    }
}
