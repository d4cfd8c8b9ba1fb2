package io.fleetckpt.restore;

import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.restore.plan.UnrestorablePolicy;
import io.fleetckpt.restore.report.FdReport;
import io.fleetckpt.restore.report.FdStatus;
import io.fleetckpt.restore.report.RestoreReport;
import io.fleetckpt.restore.spawn.FdTableSpawner;
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

/**
 * A saved name is the kernel's resolved path, so a symlink anywhere in it at restore time was
 * planted since the checkpoint: a saved file replaced by a link to a secret, a saved directory
 * replaced by a link to another directory. Neither is followed, with or without --root, in the
 * real run or the dry run, and the rest of the table is restored (exit 1, partial).
 */
class RestorePlantedSymlinkTest {
    private static final int O_PATH = 010000000;
    private static final int O_NOFOLLOW = 0400000;

    @TempDir
    Path tmp;

    @Test
    void plantedSymlinksAreNotFollowedWithoutRoot() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("host"));
        plantAndCheck(base, null, base.toString());
    }

    @Test
    void plantedSymlinksAreNotFollowedBeneathTheRoot() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("newroot"));
        plantAndCheck(root.resolve("srv"), root, "/srv");
    }

    /**
     * Lays out op/file.txt, op/dir/inner.txt and op/kept.txt under {@code dir} (saved as
     * {@code saved}/op/...), then swaps file.txt for a link to a secret and dir for a link to a
     * directory holding an inner.txt of its own.
     */
    private void plantAndCheck(Path dir, Path root, String saved) throws Exception {
        Path op = Files.createDirectories(dir.resolve("op"));
        Files.write(op.resolve("file.txt"), new byte[50]);
        Files.createDirectories(op.resolve("dir"));
        Files.write(op.resolve("dir/inner.txt"), new byte[50]);
        Files.write(op.resolve("kept.txt"), new byte[50]);
        Image image = Images.task(70)
                .fd(3, FdType.FILE, saved + "/op/file.txt", 0, 5)
                .fd(4, FdType.FILE, saved + "/op/dir/inner.txt", 02, 5)
                .fd(5, FdType.FILE, saved + "/op/kept.txt", 0, 7)
                .fd(6, FdType.FILE, saved + "/op/file.txt", O_PATH | O_NOFOLLOW, 0)
                .fd(7, FdType.DIR, saved + "/op/dir", 0200000, 0)
                .build();
        Path secret = Files.writeString(tmp.resolve("secret"), "not for COMMAND");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.write(elsewhere.resolve("inner.txt"), new byte[50]);
        Files.delete(op.resolve("file.txt"));
        Files.createSymbolicLink(op.resolve("file.txt"), secret);
        Files.delete(op.resolve("dir/inner.txt"));
        Files.delete(op.resolve("dir"));
        Files.createSymbolicLink(op.resolve("dir"), elsewhere);

        Path out = tmp.resolve("report-" + (root == null ? "host" : "root"));
        RestoreReport dry = run(image, root, true, out);
        assertFalse(Files.exists(out), "the dry run ran nothing");
        RestoreReport real = run(image, root, false, out);
        ReportedTable t = ReportedTable.parse(CPrograms.awaitFile(out));

        String shown = root == null ? "" : root.toString();
        for (int n : new int[] {3, 4, 6, 7}) {
            FdReport r = fd(real, n);
            assertEquals(FdStatus.FAILED, r.status(), "fd " + n + ": " + r.why());
            assertEquals("refused: a symbolic link is now in the saved path " + shown + r.path()
                    + " (the file system changed since the checkpoint): not followed", r.why());
            assertEquals(r.status(), fd(dry, n).status(), "fd " + n);
            assertEquals(r.why(), fd(dry, n).why(), "the dry run says what the real run does, fd " + n);
        }
        assertEquals(FdStatus.RESTORED, fd(real, 5).status(), fd(real, 5).why());
        assertEquals(FdStatus.RESTORED, fd(dry, 5).status());
        assertEquals(List.of(5), List.copyOf(t.fds().keySet()), "COMMAND holds neither the secret nor the other directory");
        assertEquals(op.resolve("kept.txt").toString(), t.fds().get(5).path());
        assertEquals(7, t.fds().get(5).pos());
        assertEquals(1, real.exitCode());
        assertEquals(1, dry.exitCode());
        assertEquals("not for COMMAND", Files.readString(secret));
    }

    private static RestoreReport run(Image image, Path root, boolean dryRun, Path out) throws Exception {
        List<byte[]> cmd = List.of(CPrograms.get("fdreport").toString().getBytes(StandardCharsets.UTF_8),
                out.toString().getBytes(StandardCharsets.UTF_8));
        RestoreOutcome o = new Restorer().restore(new RestoreRequest(image, List.of(), false, root,
                UnrestorablePolicy.SKIP, dryRun, cmd, Map.of()));
        for (var s : o.spawned()) FdTableSpawner.waitFor(s.pid());
        return o.report();
    }

    private static FdReport fd(RestoreReport r, int fd) {
        return r.tasks().get(0).fds().stream().filter(f -> f.fd() == fd).findFirst().orElseThrow();
    }
}
