package io.fleetckpt.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.restore.spawn.BundledPreload;
import io.fleetckpt.restore.testing.CPrograms;
import io.fleetckpt.restore.testing.Images;
import io.fleetckpt.restore.testing.ReportedTable;
import io.fleetckpt.restore.testing.RestoreMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The preload library's cache directory on a noexec mount (a tmpfs mounted noexec in a mount
 * namespace of the restore's own, via unshare): the dynamic loader skips the library, and the
 * report must say so rather than claim close-on-exec was handled.
 */
class RestoreNoexecCacheTest {
    @TempDir
    Path tmp;

    @Test
    void aLibraryTheLoaderWouldSkipIsReportedAndTheRestoreIsPartial() throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/bin/unshare")), "no unshare to mount in a namespace of its own");
        assumeTrue("0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString()), "needs root to mount");
        assumeTrue(BundledPreload.available(), "built without gcc: no bundled preload library");
        Path file = Files.write(tmp.resolve("a.txt"), new byte[10]);
        Path image = tmp.resolve("cloexec.img");
        Files.write(image, ImageWriter.toBytes(Images.task(60).fd(3, FdType.FILE, file.toString(), 0, 4)
                .share(4, 1, true).build()));
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        Path report = tmp.resolve("report");
        List<String> cmd = List.of("/usr/bin/unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o noexec,mode=0700 tmpfs \"$0\" && exec \"$@\"", cache.toString(),
                ProcessHandle.current().info().command().orElseThrow(), "-cp", System.getProperty("java.class.path"),
                RestoreMain.class.getName(), image.toString(), CPrograms.get("fdreport").toString(), report.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        String out = RestoreMain.runChild(pb, tmp.resolve("stderr"));

        // what really happened in COMMAND: fd 4 has no FD_CLOEXEC (with LD_PRELOAD naming the
        // library, ld.so would have printed "cannot be preloaded" and gone on without it)
        ReportedTable t = ReportedTable.parse(CPrograms.awaitFile(report));
        assertFalse(t.fds().get(4).cloexec(), "nothing in COMMAND set close-on-exec again");
        assertEquals("4", t.cloexecEnv(), "nobody consumed the list");

        // and the report says the same
        JsonNode r = new ObjectMapper().readTree(out);
        JsonNode fd4 = r.get("tasks").get(0).get("fds").get(1);
        assertEquals("deferred", fd4.get("cloexec").asText(), out);
        assertTrue(r.get("notes").get(0).asText().contains("mounted noexec"), out);
        assertEquals(1, r.get("exitCode").asInt(), "close-on-exec is not restored exactly: partial");
    }
}
