package io.fleetckpt.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetckpt.agent.testing.OtherUser;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.restore.testing.CPrograms;
import io.fleetckpt.restore.testing.Images;
import io.fleetckpt.restore.testing.ReportedTable;
import io.fleetckpt.restore.testing.RestoreMain;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Restore runs as the target user: a restore started as an unprivileged user (nobody, via
 * setpriv) in a JVM of its own, with the default preload library installed in that user's cache.
 * The kernel checks every open as that user, and the preload still marks close-on-exec again.
 */
class RestoreAsUserTest {
    private static final int NOBODY = OtherUser.NOBODY;

    @TempDir
    Path tmp;

    @Test
    void anUnprivilegedUserRestoresWithThePreloadAndTheKernelChecksItsOpens() throws Exception {
        OtherUser.assumeAvailable();
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.setAttribute(home, "unix:uid", NOBODY);
        Path mine = Files.write(tmp.resolve("mine.txt"), new byte[100]);
        Files.setAttribute(mine, "unix:uid", NOBODY);
        Path secret = Files.write(tmp.resolve("secret.txt"), new byte[100]);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path roots = Files.write(tmp.resolve("roots.txt"), new byte[100]); // root's, readable by all
        Path image = tmp.resolve("user.img");
        Files.write(image, ImageWriter.toBytes(Images.task(30)
                .fd(3, FdType.FILE, mine.toString(), 02, 40)
                .fd(4, FdType.FILE, secret.toString(), 0, 0)
                .fd(5, FdType.FILE, roots.toString(), 01000000, 9)
                .share(6, 1, true).build()));
        Path fdreport = Files.copy(CPrograms.get("fdreport"), tmp.resolve("fdreport"));
        Files.setPosixFilePermissions(fdreport, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path report = home.resolve("report");

        JsonNode dry = new ObjectMapper().readTree(asNobody(home, "--dry-run", image.toString(),
                fdreport.toString(), report.toString()));
        assertFalse(Files.exists(report), "the dry run ran nothing");
        String out = asNobody(home, image.toString(), fdreport.toString(), report.toString());

        JsonNode r = new ObjectMapper().readTree(out);
        // the dry run, as the same user, predicted the permission refusal and the O_NOATIME warning
        for (int i = 0; i < 4; i++) {
            JsonNode d = dry.get("tasks").get(0).get("fds").get(i);
            JsonNode g = r.get("tasks").get(0).get("fds").get(i);
            assertEquals(g.get("status"), d.get("status"), "fd " + g.get("fd") + " dry " + dry + " real " + out);
            assertEquals(g.get("warnings"), d.get("warnings"), "fd " + g.get("fd"));
            assertEquals(g.get("cloexec"), d.get("cloexec"), "fd " + g.get("fd"));
            assertEquals(g.get("why"), d.get("why"), "the dry run's reason in the real run's words, fd " + g.get("fd"));
        }
        assertTrue(dry.get("tasks").get(0).get("fds").get(1).get("why").asText().contains("Permission denied"), dry.toString());
        assertEquals(1, r.get("exitCode").asInt(), out);
        assertEquals(r.get("exitCode"), dry.get("exitCode"));
        assertNull(r.get("error").textValue(), out);
        JsonNode fds = r.get("tasks").get(0).get("fds");
        assertEquals("restored", fds.get(0).get("status").asText(), out);
        assertEquals("failed", fds.get(1).get("status").asText(), "root's 0600 file is not nobody's to open");
        assertTrue(fds.get(1).get("why").asText().contains("Permission denied"), out);
        assertEquals("restored", fds.get(2).get("status").asText(), out);
        assertTrue(fds.get(2).get("warnings").get(0).asText().contains("wanted O_NOATIME, kernel kept none"),
                "O_NOATIME is the owner's to set: " + out);
        assertEquals("preload", fds.get(3).get("cloexec").asText(), out);

        ReportedTable t = ReportedTable.parse(CPrograms.awaitFile(report));
        assertEquals(List.of(3, 5, 6), List.copyOf(t.fds().keySet()));
        assertEquals(40, t.fds().get(3).pos());
        assertEquals(9, t.fds().get(5).pos());
        assertEquals(0, t.fds().get(5).flags() & 04000, "the refused O_NOATIME leaves no O_NONBLOCK behind");
        assertTrue(t.fds().get(6).cloexec(), "the library installed by nobody marked fd 6 again inside COMMAND");
        assertFalse(t.fds().get(3).cloexec());
        try (Stream<Path> libs = Files.list(home.resolve(".cache/fleetckpt"))) {
            Path lib = libs.filter(f -> f.getFileName().toString().endsWith(".so")).findFirst().orElseThrow();
            assertEquals(NOBODY, Files.getAttribute(lib, "unix:uid"));
            assertEquals("r-x------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib)));
        }
    }

    /**
     * nobody's passwd home is /nonexistent: with HOME saying so too and no XDG_CACHE_HOME, the
     * library cannot be installed. The restore warns once and goes on as with no preload (the
     * close-on-exec fd deferred, exit 1), and its dry run predicts exactly that.
     */
    @Test
    void aUserWhoseCacheCannotBeCreatedRestoresWithoutThePreloadAndSaysWhy() throws Exception {
        OtherUser.assumeAvailable();
        Assumptions.assumeTrue(io.fleetckpt.restore.spawn.BundledPreload.available(), "this build carries no preload library");
        Assumptions.assumeFalse(Files.exists(Path.of("/nonexistent")), "nobody's home exists here");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.setAttribute(work, "unix:uid", NOBODY);
        Path mine = Files.write(tmp.resolve("mine.txt"), new byte[100]);
        Files.setAttribute(mine, "unix:uid", NOBODY);
        Path image = tmp.resolve("user.img");
        Files.write(image, ImageWriter.toBytes(Images.task(31)
                .fd(3, FdType.FILE, mine.toString(), 0, 4)
                .share(4, 1, true).build()));
        Path fdreport = Files.copy(CPrograms.get("fdreport"), tmp.resolve("fdreport"));
        Files.setPosixFilePermissions(fdreport, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path report = work.resolve("report");
        String warning = "fleetckpt restore: warning: cannot install the close-on-exec preload library in"
                + " /nonexistent/.cache/fleetckpt (permission denied: /nonexistent); going on as with --cloexec-preload none";

        Path dryErr = tmp.resolve("dry-stderr");
        JsonNode dry = new ObjectMapper().readTree(asNobody(work, "/nonexistent", dryErr,
                "--dry-run", image.toString(), fdreport.toString(), report.toString()));
        Path realErr = tmp.resolve("real-stderr");
        String out = asNobody(work, "/nonexistent", realErr, image.toString(), fdreport.toString(), report.toString());
        JsonNode real = new ObjectMapper().readTree(out);

        for (Path err : List.of(dryErr, realErr)) {
            String e = Files.readString(err);
            assertTrue(e.startsWith(warning), e);
            assertEquals(1, e.lines().filter(l -> l.contains("warning:")).count(), "warned once: " + e);
        }
        assertEquals(1, real.get("exitCode").asInt(), out);
        assertEquals(1, dry.get("exitCode").asInt(), dry.toString());
        assertNull(real.get("error").textValue(), out);
        for (int i = 0; i < 2; i++) {
            JsonNode d = dry.get("tasks").get(0).get("fds").get(i);
            JsonNode g = real.get("tasks").get(0).get("fds").get(i);
            assertEquals("restored", g.get("status").asText(), out);
            assertEquals(g.get("status"), d.get("status"));
            assertEquals(g.get("cloexec"), d.get("cloexec"), "fd " + g.get("fd"));
        }
        assertEquals("deferred", real.get("tasks").get(0).get("fds").get(1).get("cloexec").asText(), out);
        ReportedTable t = ReportedTable.parse(CPrograms.awaitFile(report));
        assertEquals(List.of(3, 4), List.copyOf(t.fds().keySet()));
        assertEquals(4, t.fds().get(3).pos());
        assertFalse(t.fds().get(4).cloexec(), "no library marked it: left to COMMAND");
    }

    /** Runs RestoreMain with {@code args} as nobody, with {@code home} as its home and cache; returns its JSON report. */
    private String asNobody(Path home, String... args) throws Exception {
        return asNobody(home, home.toString(), tmp.resolve("stderr"), args);
    }

    /** As nobody in {@code dir}, with HOME={@code home} and XDG_CACHE_HOME only when {@code home} is {@code dir}. */
    private String asNobody(Path dir, String home, Path stderr, String... args) throws Exception {
        List<String> cmd = OtherUser.asNobody(OtherUser.java(tmp.resolve("cp"), RestoreMain.class, args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("XDG_CACHE_HOME");
        if (home.equals(dir.toString())) pb.environment().put("XDG_CACHE_HOME", dir.resolve(".cache").toString());
        pb.environment().put("HOME", home);
        return RestoreMain.runChild(pb, stderr);
    }
}
