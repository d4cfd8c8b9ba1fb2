package io.fleetckpt.restore;

import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.restore.plan.PlanException;
import io.fleetckpt.restore.plan.UnrestorablePolicy;
import io.fleetckpt.restore.report.FdReport;
import io.fleetckpt.restore.report.FdStatus;
import io.fleetckpt.restore.report.RestoreReport;
import io.fleetckpt.restore.spawn.FdTableSpawner;
import io.fleetckpt.restore.sys.Sys;
import io.fleetckpt.restore.testing.ArgumentSpace;
import io.fleetckpt.restore.testing.CPrograms;
import io.fleetckpt.restore.testing.Images;
import io.fleetckpt.restore.testing.ReportedTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Restores of hand-built images against real files: relocation, escapes, changed files, policies. */
class RestoreFilesTest {
    @TempDir
    Path tmp;

    private RestoreOutcome run(Image image, Path root, UnrestorablePolicy policy, boolean dryRun, Path out) throws Exception {
        List<byte[]> cmd = List.of(CPrograms.get("fdreport").toString().getBytes(StandardCharsets.UTF_8),
                out.toString().getBytes(StandardCharsets.UTF_8));
        RestoreOutcome o = new Restorer().restore(new RestoreRequest(image, List.of(), false, root, policy, dryRun, cmd,
                Map.of()));
        for (var s : o.spawned()) FdTableSpawner.waitFor(s.pid());
        return o;
    }

    private static FdReport fd(RestoreReport r, int fd) {
        return r.tasks().get(0).fds().stream().filter(f -> f.fd() == fd).findFirst().orElseThrow();
    }

    /**
     * A root with data/ holding a file, a shorter one, a directory where a file was, symlinks that
     * escape (absolute, through "..") and one that stays inside; fds 3..9 of task {@code pid} name them.
     */
    private static Images escapesAndChanges(Path root, int pid) throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        Files.write(data.resolve("a.txt"), new byte[300]);
        Files.write(data.resolve("short.txt"), new byte[10]);
        Files.createDirectories(data.resolve("was-a-file"));
        Files.createSymbolicLink(data.resolve("abs"), Path.of("/etc"));
        Files.createSymbolicLink(data.resolve("up"), Path.of("../../.."));
        Files.createSymbolicLink(data.resolve("inside"), Path.of("a.txt"));
        return Images.task(pid)
                .fd(3, FdType.FILE, "/data/a.txt", 02 | 0100000, 100)
                .fd(4, FdType.FILE, "/data/abs/hostname", 0, 0)
                .fd(5, FdType.FILE, "/data/up/etc/hostname", 0, 0)
                .fd(6, FdType.FILE, "/data/short.txt", 0, 500)
                .fd(7, FdType.FILE, "/data/was-a-file", 0, 0)
                .fd(8, FdType.FILE, "/data/missing.txt", 0, 0)
                .fd(9, FdType.FILE, "/data/inside", 0, 20);
    }

    @Test
    void relocatesUnderRootAndRefusesEscapesAndReportsChangedFiles() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("newroot"));
        Path data = root.resolve("data");
        Image image = escapesAndChanges(root, 40).build();
        Path out = tmp.resolve("report");
        RestoreOutcome o = run(image, root, UnrestorablePolicy.SKIP, false, out);
        RestoreReport r = o.report();
        ReportedTable t = ReportedTable.parse(Files.readString(out));

        assertEquals(data.resolve("a.txt").toString(), t.fds().get(3).path(), "relocated under the root");
        assertEquals(100, t.fds().get(3).pos());
        assertEquals(02, t.fds().get(3).flags() & 3);
        // saved names are resolved paths: any symlink in one now was put there since the checkpoint
        for (int n : new int[] {4, 5, 9}) {
            assertEquals(FdStatus.FAILED, fd(r, n).status(), "fd " + n);
            assertEquals("refused: a symbolic link is now in the saved path " + root + fd(r, n).path()
                    + " (the file system changed since the checkpoint): not followed", fd(r, n).why());
        }
        assertEquals(FdStatus.RESTORED, fd(r, 6).status());
        assertTrue(fd(r, 6).warnings().get(0).contains("now 10 bytes, shorter than the saved position 500"));
        assertEquals(500, t.fds().get(6).pos());
        assertTrue(fd(r, 7).why().contains("type changed: saved REG, now DIR"), fd(r, 7).why());
        assertTrue(fd(r, 8).why().startsWith("no longer exists"), fd(r, 8).why());
        assertEquals(List.of(3, 6), List.copyOf(t.fds().keySet()), "failed fds stay closed, nothing else is open");
        assertEquals(1, r.exitCode());
    }

    @Test
    void magicLinksAreRefusedEvenWithoutRoot() throws Exception {
        Image image = Images.task(41).fd(3, FdType.CHR, "/proc/self/fd/0", 0, 0).build();
        RestoreOutcome o = run(image, null, UnrestorablePolicy.SKIP, false, tmp.resolve("r"));
        assertEquals(FdStatus.FAILED, fd(o.report(), 3).status());
        assertTrue(fd(o.report(), 3).why().contains("a symbolic link is now in the saved path /proc/self/fd/0"), fd(o.report(), 3).why());
    }

    @Test
    void controlBytesOfASavedNameNeverReachTheReportRaw() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("r2"));
        Image image = Images.task(46).fd(3, FdType.FILE, "/no\nsuch: restored\u001b[2J", 0, 0).build();
        for (Path r : new Path[] {null, root}) {
            String why = fd(run(image, r, UnrestorablePolicy.SKIP, false, tmp.resolve("out")).report(), 3).why();
            assertTrue(why.startsWith("no longer exists: ") && why.endsWith("no\\x0asuch: restored\\x1b[2J"), why);
            assertTrue(why.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "one printable line: " + why);
        }
    }

    @Test
    void aRootThatCannotBeOpenedFailsEveryFdAndRunsNothing() throws Exception {
        Files.write(tmp.resolve("a"), new byte[5]);
        Image image = Images.task(47).fd(3, FdType.FILE, tmp.resolve("a").toString(), 0, 2).build();
        RestoreOutcome o = run(image, tmp.resolve("no-such-root"), UnrestorablePolicy.SKIP, false, tmp.resolve("out"));
        assertTrue(o.spawned().isEmpty());
        assertFalse(Files.exists(tmp.resolve("out")), "no COMMAND ran");
        assertTrue(o.report().error().startsWith("cannot open the root " + tmp.resolve("no-such-root")), o.report().error());
        assertEquals(FdStatus.FAILED, fd(o.report(), 3).status(), "nothing was restored, so nothing may say so");
        assertEquals("not opened: the restore stopped before opening anything (see its error)", fd(o.report(), 3).why(),
                "the root's error is said once, in the report's error");
        assertEquals(0, o.report().count(FdStatus.RESTORED));
        assertEquals(2, o.report().exitCode());
    }

    @Test
    void aStatusFlagTheKernelRefusesLeavesTheOthersAsSavedAndNoNonblock() throws Exception {
        Files.write(tmp.resolve("a"), new byte[5]);
        // procfs has no direct I/O: F_SETFL with O_DIRECT fails as a whole (EINVAL)
        Image image = Images.task(48).fd(3, FdType.FILE, "/proc/version", 040000, 0)
                .fd(4, FdType.FILE, "/proc/version", 040000 | 02000, 0).build();
        Path out = tmp.resolve("out");
        RestoreOutcome o = run(image, null, UnrestorablePolicy.SKIP, false, out);
        ReportedTable t = ReportedTable.parse(CPrograms.awaitFile(out));
        assertEquals(0, t.fds().get(3).flags() & 04000, "O_NONBLOCK of the open is not left on an fd that never had it");
        assertEquals(02000, t.fds().get(4).flags() & (04000 | 02000), "O_APPEND set, O_NONBLOCK not");
        assertEquals(0, t.fds().get(4).flags() & 040000, "the kernel kept no O_DIRECT");
        assertTrue(fd(o.report(), 3).warnings().get(0).contains("wanted O_DIRECT, kernel kept none"), fd(o.report(), 3).warnings().toString());
        assertEquals(1, o.report().exitCode());
    }

    @Test
    void hostileImageOpensAndCreatesNothing() {
        Path victim = tmp.resolve("victim");
        Image image = Images.task(42).fd(3, FdType.FILE, victim.toString(), 0100 | 01 | 01000, 0).build();
        PlanException e = assertThrows(PlanException.class,
                () -> run(image, null, UnrestorablePolicy.SKIP, false, tmp.resolve("r")));
        assertTrue(e.getMessage().contains("O_CREAT") && e.getMessage().contains("forged"), e.getMessage());
        assertFalse(Files.exists(victim));
        assertFalse(Files.exists(tmp.resolve("r")), "no COMMAND ran");
    }

    @Test
    void dryRunPlansWithoutOpeningOrRunning() throws Exception {
        Files.write(tmp.resolve("a"), new byte[5]);
        Image image = Images.task(43).fd(3, FdType.FILE, tmp.resolve("a").toString(), 0, 2)
                .fd(4, FdType.SOCK, "socket:[77]", 2, 0).build();
        RestoreOutcome o = run(image, null, UnrestorablePolicy.DEVNULL, true, tmp.resolve("r"));
        assertTrue(o.spawned().isEmpty());
        assertFalse(Files.exists(tmp.resolve("r")));
        assertTrue(o.report().dryRun());
        assertEquals(FdStatus.RESTORED, fd(o.report(), 3).status());
        assertEquals(FdStatus.PLACEHOLDER, fd(o.report(), 4).status());
        assertEquals(1, o.report().exitCode(), "a placeholder makes the real run partial, so the dry run says so");
        Image exact = Images.task(43).fd(3, FdType.FILE, tmp.resolve("a").toString(), 0, 2).build();
        assertEquals(0, run(exact, null, UnrestorablePolicy.DEVNULL, true, tmp.resolve("r")).report().exitCode());
    }

    @Test
    void dryRunPredictsTheRealRunFdByFd() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("newroot"));
        Image image = escapesAndChanges(root, 55)
                .fd(10, FdType.FILE, "/data/inside", 0400000, 0)
                .fd(11, FdType.DIR, "/data/was-a-file", 01, 0)
                .fd(12, FdType.SOCK, "socket:[9]", 02, 0)
                .fd(13, FdType.FILE, "/proc/self/fd/0", 0, 0)
                .build();
        Path out = tmp.resolve("report");
        RestoreReport dry = run(image, root, UnrestorablePolicy.DEVNULL, true, out).report();
        assertFalse(Files.exists(out), "nothing run");
        RestoreReport real = run(image, root, UnrestorablePolicy.DEVNULL, false, out).report();
        assertTrue(Files.exists(out));
        assertEquals(real.tasks().get(0).fds().size(), dry.tasks().get(0).fds().size());
        for (FdReport r : real.tasks().get(0).fds()) {
            FdReport d = fd(dry, r.fd());
            assertEquals(r.status(), d.status(), "fd " + r.fd() + ": " + r.why() + " / " + d.why());
            assertEquals(r.why(), d.why(), "fd " + r.fd());
            assertEquals(r.warnings(), d.warnings(), "fd " + r.fd());
        }
        assertEquals(FdStatus.FAILED, fd(dry, 10).status(), "O_NOFOLLOW on a symlink: the real open gets ELOOP");
        assertEquals(FdStatus.FAILED, fd(dry, 11).status(), "a directory opened for writing: EISDIR");
        assertEquals(1, real.exitCode());
        assertEquals(real.exitCode(), dry.exitCode());
        assertEquals(real.count(FdStatus.RESTORED), dry.count(FdStatus.RESTORED));
    }

    @Test
    void dryRunRefusesWhatTheRealRunRefusesWithItsExitCode() throws Exception {
        Files.write(tmp.resolve("a"), new byte[5]);
        Image image = Images.task(56).fd(3, FdType.FILE, tmp.resolve("a").toString(), 0, 2).build();
        for (Path badRoot : new Path[] {tmp.resolve("no-such-root"), tmp.resolve("a")}) {
            RestoreReport r = run(image, badRoot, UnrestorablePolicy.SKIP, true, tmp.resolve("out")).report();
            assertTrue(r.error().startsWith("cannot open the root " + badRoot + ": "), r.error());
            assertEquals(0, r.count(FdStatus.RESTORED), "nothing would be restored");
            assertEquals(2, r.exitCode());
            assertEquals(2, run(image, badRoot, UnrestorablePolicy.SKIP, false, tmp.resolve("out")).report().exitCode());
        }
        for (String missing : new String[] {tmp.resolve("no-such-command").toString(), "no-such-command-in-path"}) {
            List<byte[]> cmd = List.of(missing.getBytes(StandardCharsets.UTF_8));
            RestoreReport dry = new Restorer().restore(new RestoreRequest(image, List.of(), false, null,
                    UnrestorablePolicy.SKIP, true, cmd, Map.of())).report();
            assertTrue(dry.error().startsWith("COMMAND " + missing + ": "), dry.error());
            assertEquals(FdStatus.UNPLACED, fd(dry, 3).status());
            RestoreReport real = new Restorer().restore(new RestoreRequest(image, List.of(), false, null,
                    UnrestorablePolicy.SKIP, false, cmd, Map.of())).report();
            assertEquals(FdStatus.UNPLACED, fd(real, 3).status());
            assertEquals(2, real.exitCode());
            assertEquals(2, dry.exitCode(), "COMMAND would not start: " + dry.error());
        }
        Image unrestorable = Images.task(57).fd(3, FdType.FILE, tmp.resolve("a").toString(), 0, 2)
                .fd(4, FdType.FIFO, "pipe:[5]", 0, 0).build();
        RestoreReport dry = run(unrestorable, null, UnrestorablePolicy.FAIL, true, tmp.resolve("out")).report();
        RestoreReport real = run(unrestorable, null, UnrestorablePolicy.FAIL, false, tmp.resolve("out")).report();
        assertFalse(Files.exists(tmp.resolve("out")));
        for (int n : new int[] {3, 4}) {
            assertEquals(fd(real, n).status(), fd(dry, n).status(), "fd " + n);
            assertEquals(fd(real, n).why().replace("opened, ", "would be opened, "), fd(dry, n).why(), "fd " + n);
        }
        assertTrue(fd(dry, 3).why().startsWith("would be opened, never placed: --unrestorable fail"), fd(dry, 3).why());
        assertEquals(1, dry.exitCode());
    }

    @Test
    void failPolicyRunsNoCommandWhenAnythingIsUnrestorable() throws Exception {
        Files.write(tmp.resolve("a"), new byte[5]);
        Image image = Images.task(44).fd(3, FdType.FILE, tmp.resolve("a").toString(), 0, 2)
                .fd(4, FdType.FIFO, "pipe:[5]", 0, 0).build();
        RestoreOutcome o = run(image, null, UnrestorablePolicy.FAIL, false, tmp.resolve("r"));
        assertTrue(o.spawned().isEmpty());
        assertFalse(Files.exists(tmp.resolve("r")));
        assertFalse(o.report().commandRun());
        assertEquals(FdStatus.FAILED, fd(o.report(), 4).status());
        // fd 3 was opened fine, but no COMMAND ever got it: it must not be reported as restored
        assertEquals(FdStatus.UNPLACED, fd(o.report(), 3).status());
        assertTrue(fd(o.report(), 3).why().contains("--unrestorable fail ran no COMMAND"), fd(o.report(), 3).why());
        assertEquals(0, o.report().count(FdStatus.RESTORED));
        assertEquals(1, o.report().exitCode());
    }

    @Test
    void failPolicyStoppedByAWarningKeepsTheWarningAndPlacesNothing() throws Exception {
        Files.write(tmp.resolve("short"), new byte[4]);
        Image image = Images.task(49).fd(3, FdType.FILE, tmp.resolve("short").toString(), 0, 10)
                .fd(4, FdType.FILE, io.fleetckpt.format.model.RawBytes.ofUtf8("/proc/version"), 0, 0, true).build();
        RestoreReport r = run(image, null, UnrestorablePolicy.FAIL, false, tmp.resolve("r")).report();
        assertFalse(Files.exists(tmp.resolve("r")), "no COMMAND ran");
        assertEquals(FdStatus.UNPLACED, fd(r, 3).status());
        assertTrue(fd(r, 3).warnings().get(0).contains("shorter than the saved position 10"), fd(r, 3).warnings().toString());
        assertEquals(FdStatus.UNPLACED, fd(r, 4).status());
        assertEquals("n/a", fd(r, 4).cloexec(), "saved with close-on-exec, but never placed");
        assertEquals(1, r.exitCode());
    }

    @Test
    void aCommandThatCannotStartLeavesEveryFdUnplacedAndExitsTwo() throws Exception {
        Files.write(tmp.resolve("a"), new byte[5]);
        Image image = Images.task(50).fd(3, FdType.FILE, tmp.resolve("a").toString(), 0, 2).build();
        List<byte[]> cmd = List.of(tmp.resolve("no-such-command").toString().getBytes(StandardCharsets.UTF_8));
        RestoreOutcome o = new Restorer().restore(new RestoreRequest(image, List.of(), false, null, UnrestorablePolicy.SKIP,
                false, cmd, Map.of()));
        assertTrue(o.spawned().isEmpty());
        assertTrue(o.report().error().contains("No such file or directory"), o.report().error());
        assertEquals(FdStatus.UNPLACED, fd(o.report(), 3).status());
        assertTrue(fd(o.report(), 3).why().contains("its COMMAND could not start"), fd(o.report(), 3).why());
        assertEquals(2, o.report().exitCode(), "nothing was restored: COMMAND could not start");
    }

    @Test
    void aLaterTasksCommandThatCannotStartMakesTheRestorePartial() throws Exception {
        Files.write(tmp.resolve("a"), new byte[5]);
        // task 52's 4,000 close-on-exec fds put about 20 KB into its FLEETCKPT_CLOEXEC_FDS; with an
        // environment that fills the kernel's argument space to within 8 KB, task 51's COMMAND starts
        // and task 52's fails with E2BIG: a real exec failure for the second COMMAND only
        Images b = Images.task(51).fd(3, FdType.FILE, tmp.resolve("a").toString(), 0, 2).and(52, 51).share(3, 1, false);
        for (int fd = 1000; fd < 5000; fd++) b.share(fd, 1, true);
        assumeTrue(Sys.nofileLimit()[1] > 6000, "needs an fd limit above 6000");
        Path out = tmp.resolve("out");
        List<byte[]> cmd = List.of(CPrograms.get("fdreport").toString().getBytes(StandardCharsets.UTF_8),
                out.toString().getBytes(StandardCharsets.UTF_8));
        RestoreOutcome o = new Restorer().restore(new RestoreRequest(b.build(), List.of(51, 52), false, null,
                UnrestorablePolicy.SKIP, false, cmd, ArgumentSpace.fillingAllBut(8192, cmd)));
        for (var s : o.spawned()) FdTableSpawner.waitFor(s.pid());
        RestoreReport r = o.report();
        assertEquals(1, o.spawned().size(), "task 51's COMMAND ran");
        assertTrue(Files.exists(out));
        assertTrue(r.error().startsWith("pid 52: ") && r.error().contains("Argument list too long"), r.error());
        assertEquals(FdStatus.RESTORED, r.tasks().get(0).fds().get(0).status());
        assertEquals(0, r.tasks().get(1).pid());
        for (FdReport f : r.tasks().get(1).fds()) {
            assertEquals(FdStatus.UNPLACED, f.status(), "fd " + f.fd());
            assertEquals(f.savedCloexec() ? "n/a" : "none", f.cloexec(), "fd " + f.fd());
        }
        assertTrue(r.tasks().get(1).fds().get(0).why().contains("its COMMAND could not start"), r.tasks().get(1).fds().get(0).why());
        assertEquals(1, r.exitCode(), "one COMMAND runs with its table, the other does not: partial");
    }

    @Test
    void commandGetsTheCallersSoftFdLimitRaisedOnlyAsFarAsItsTableNeeds() throws Exception {
        Files.write(tmp.resolve("a"), new byte[5]);
        long[] restorer = Sys.nofileLimit();
        assumeTrue(restorer[1] > 5100, "needs a hard fd limit above 5100");
        Image small = Images.task(53).fd(3, FdType.FILE, tmp.resolve("a").toString(), 0, 1).build();
        Image high = Images.task(54).fd(3, FdType.FILE, tmp.resolve("a").toString(), 0, 1).share(5000, 1, false).build();
        long[] got = new long[3];
        Image[] images = {small, high, small};
        long[] caller = {512, 512, 0};
        for (int i = 0; i < 3; i++) {
            Path out = tmp.resolve("out" + i);
            List<byte[]> cmd = List.of(CPrograms.get("fdreport").toString().getBytes(StandardCharsets.UTF_8),
                    out.toString().getBytes(StandardCharsets.UTF_8));
            RestoreOutcome o = new Restorer().restore(new RestoreRequest(images[i], List.of(), false, null,
                    UnrestorablePolicy.SKIP, false, cmd, Map.of(), null, caller[i]));
            for (var t : o.spawned()) FdTableSpawner.waitFor(t.pid());
            got[i] = ReportedTable.parse(Files.readString(out)).nofileSoft();
            assertEquals(got[i], o.report().tasks().get(0).fdLimit(), "the report states what COMMAND got");
        }
        assertEquals(512, got[0], "the caller's soft limit, not the restorer's raised " + restorer[0]);
        assertEquals(5000 + 1 + Restorer.FD_LIMIT_HEADROOM, got[1], "fd 5000 needs more: raised that far, with room to open files");
        assertEquals(Sys.nofileLimit()[0], got[2], "caller's limit unknown: the restorer's own");
        assertEquals(restorer[0], Sys.nofileLimit()[0], "the restorer's own limit is back as it was");
    }

    @Test
    void highFdNumbersAndCollisionsWithTheRestorersOwnFds() throws Exception {
        Files.write(tmp.resolve("a"), new byte[5]);
        // fd numbers 0..40 collide with whatever the JVM holds; 5000 is far above them
        Images b = Images.task(45).fd(5000, FdType.FILE, tmp.resolve("a").toString(), 0, 4);
        for (int fd = 0; fd <= 40; fd++) b.share(fd, 1, fd % 2 == 0);
        Path out = tmp.resolve("r");
        RestoreOutcome o = run(b.build(), null, UnrestorablePolicy.FAIL, false, out);
        ReportedTable t = ReportedTable.parse(Files.readString(out));
        assertEquals(42, t.fds().size());
        for (ReportedTable.Fd f : t.fds().values()) {
            assertEquals(tmp.resolve("a").toString(), f.path(), "fd " + f.fd());
            assertEquals(4, f.pos());
        }
        assertTrue(t.cloexecEnv().startsWith("0,2,4,6,"), t.cloexecEnv());
        assertTrue(o.report().tasks().get(0).fds().stream().allMatch(f -> f.status() == FdStatus.RESTORED));
        assertEquals(1, o.report().exitCode(), "no preload library: close-on-exec is left to COMMAND, not restored exactly");
    }
}
