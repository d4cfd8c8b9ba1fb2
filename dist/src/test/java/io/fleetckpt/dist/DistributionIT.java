package io.fleetckpt.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacks the built tarball and runs the launcher from it, as an installer would. */
class DistributionIT {
    static final String BASE = "fleetckpt-" + System.getProperty("fleetckpt.version", "0.1.0-SNAPSHOT") + "/";

    static Path tarball() {
        // absolute: the tests unpack it from inside temporary directories
        Path t = Path.of(System.getProperty("fleetckpt.tarball", "target/fleetckpt-" + System.getProperty("fleetckpt.version",
                "0.1.0-SNAPSHOT") + ".tar.gz")).toAbsolutePath();
        assertTrue(Files.isRegularFile(t), "no tarball at " + t);
        return t;
    }

    @Test
    void theTarballHoldsJarLauncherUnitsConfigsAndDocs() throws Exception {
        Tools.Result list = Tools.run(Path.of("."), List.of("tar", "-tzvf", tarball().toString()));
        assertEquals(0, list.exitCode(), list.output());
        Set<String> entries = list.output().lines().map(l -> l.substring(l.indexOf(BASE)))
                .collect(Collectors.toSet());
        for (String expected : List.of("bin/fleetckpt", "lib/fleetckpt.jar", "systemd/fleetckpt-agent.service",
                "systemd/fleetckpt-aggregator.service", "config/agent.env", "config/aggregator.env",
                "config/kafka-client.properties", "prometheus/prometheus.yml", "prometheus/alerts.yml",
                "grafana/fleetckpt-dashboard.json", "docs/operations.md", "docs/running-on-a-cluster.md",
                "docs/configuration.md", "README.md", "docker-compose.yml")) {
            assertTrue(entries.contains(BASE + expected), "missing " + expected + " in " + entries);
        }
        String launcherLine = list.output().lines().filter(l -> l.endsWith(BASE + "bin/fleetckpt")).findFirst().orElseThrow();
        assertTrue(launcherLine.startsWith("-rwxr-xr-x"), launcherLine);
    }

    @Test
    void theUnpackedLauncherRunsTheCliAlsoThroughASymlink(@TempDir Path dir) throws Exception {
        Tools.Result unpacked = Tools.run(dir, List.of("tar", "-xzf", tarball().toString()));
        assertEquals(0, unpacked.exitCode(), unpacked.output());
        Path launcher = dir.resolve(BASE + "bin/fleetckpt");
        Tools.Result help = Tools.run(dir, List.of(launcher.toString(), "--help"));
        assertEquals(0, help.exitCode(), help.output());
        assertTrue(help.output().contains("Usage: fleetckpt"), help.output());

        Path link = Files.createSymbolicLink(dir.resolve("fleetckpt"), launcher);
        Tools.Result version = Tools.run(dir, List.of(link.toString(), "--version"));
        assertEquals(0, version.exitCode(), version.output());
        assertEquals("fleetckpt " + System.getProperty("fleetckpt.version", "0.1.0-SNAPSHOT"), version.output().strip(),
                "the jar's manifest carries the version (it said 'fleetckpt dev')");
    }

    @Test
    void theLauncherHandsRestoreTheCallersSoftFdLimit(@TempDir Path dir) throws Exception {
        Tools.Result unpacked = Tools.run(dir, List.of("tar", "-xzf", tarball().toString()));
        assertEquals(0, unpacked.exitCode(), unpacked.output());
        Path image = dir.resolve("one.img");
        ImageHeader h = new ImageHeader(6, 18, 0, ImageHeader.REV, 0, ImageHeader.FLAGS_CKPT,
                RawBytes.ofUtf8("6.18"), RawBytes.ofUtf8("#1"), RawBytes.ofUtf8("x86_64"));
        Files.write(image, ImageWriter.toBytes(Image.of(h,
                List.of(new Task(new TaskInfo(7, 7, 1, RawBytes.ofUtf8("t7"), 0, 0, 0, 0), 0, List.of(new FdEntry(3, false, 1)))),
                Map.of(1, new OpenFile(1, FdType.FILE, 1, 0, 0, 0, RawBytes.ofUtf8("/etc/hostname"))))));
        // the JVM raises its own soft limit at start; only the launcher still sees the caller's
        Tools.Result r = Tools.run(dir, List.of("sh", "-c", "ulimit -S -n 777 && exec \"$0\" restore \"$1\" --dry-run",
                dir.resolve(BASE + "bin/fleetckpt").toString(), image.toString()));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("task 7 (t7), fd limit 777"), r.output());
    }

    @Test
    void aBrokenInstallationSaysWhatIsMissing(@TempDir Path dir) throws Exception {
        Tools.Result unpacked = Tools.run(dir, List.of("tar", "-xzf", tarball().toString()));
        assertEquals(0, unpacked.exitCode(), unpacked.output());
        Files.delete(dir.resolve(BASE + "lib/fleetckpt.jar"));
        Tools.Result r = Tools.run(dir, List.of(dir.resolve(BASE + "bin/fleetckpt").toString(), "--help"));
        assertEquals(2, r.exitCode());
        assertTrue(r.output().contains("lib/fleetckpt.jar is missing"), r.output());
    }
}
