package io.fleetckpt.restore.sys;

import io.fleetckpt.restore.testing.CPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatvfsLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void layoutIsGlibcs() throws Exception {
        Process p = new ProcessBuilder(CPrograms.get("statvfs_layout").toString()).start();
        String[] got = new String(p.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, p.waitFor());
        assertEquals(Sys.STATVFS_SIZE, Integer.parseInt(got[0]), "sizeof(struct statvfs)");
        assertEquals(Sys.STATVFS_F_FLAG, Integer.parseInt(got[1]), "offsetof(struct statvfs, f_flag)");
        assertEquals(Sys.ST_NOEXEC, Long.parseLong(got[2]), "ST_NOEXEC");
    }

    /** Agrees with the mount options util-linux reads from the kernel (a noexec mount: RestoreNoexecCacheTest). */
    @Test
    void noexecAgreesWithTheMountOptions() throws Exception {
        for (Path dir : new Path[] {tmp, Path.of("/"), Path.of("/proc"), Path.of("/dev")}) {
            Process p = new ProcessBuilder("findmnt", "-n", "-o", "OPTIONS", "--target", dir.toString()).start();
            String options = new String(p.getInputStream().readAllBytes()).trim();
            assertEquals(0, p.waitFor(), "findmnt " + dir);
            assertEquals(List.of(options.split(",")).contains("noexec"), Sys.noexec(dir), dir + ": " + options);
        }
    }
}
