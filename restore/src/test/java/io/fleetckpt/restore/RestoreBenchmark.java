package io.fleetckpt.restore;

import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.restore.plan.UnrestorablePolicy;
import io.fleetckpt.restore.spawn.FdTableSpawner;
import io.fleetckpt.restore.spawn.SpawnedTask;
import io.fleetckpt.restore.testing.CPrograms;
import io.fleetckpt.restore.testing.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restore time for a large fd table against a C program doing the same work in the same run
 * (restore_baseline.c). Not part of the normal build: run with
 * {@code mvn -pl restore -am test -Dtest=RestoreBenchmark -Dfleetckpt.bench=true -Dsurefire.failIfNoSpecifiedTests=false};
 * results go to restore/target/surefire-reports/io.fleetckpt.restore.RestoreBenchmark-output.txt.
 */
@EnabledIfSystemProperty(named = "fleetckpt.bench", matches = "true")
class RestoreBenchmark {
    private static final int REPS = 7;
    /** The CLI restores once per JVM, so the first (cold) run is reported too; the rest warm the JIT. */
    private static final int WARMUP = 5;

    @TempDir
    Path tmp;

    @Test
    void largeTableAgainstC() throws Exception {
        for (int[] shape : new int[][] {{200, 5}, {2000, 5}, {3000, 5}}) run(shape[0], shape[1]);
    }

    private void run(int files, int dups) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d" + files));
        Images b = Images.task(1);
        for (int i = 0; i < files; i++) {
            Path f = dir.resolve("f" + i);
            Files.write(f, new byte[16]);
        }
        // fds must ascend per task: lay out file i at fds 3 + i*dups .. 3 + i*dups + dups - 1
        for (int i = 0; i < files; i++) {
            b.fd(3 + i * dups, FdType.FILE, dir.resolve("f" + i).toString(), 02 | 0100000 | ((i & 1) == 1 ? 02000 : 0), i % 16);
            for (int k = 1; k < dups; k++) b.share(3 + i * dups + k, i + 1, k % 2 == 1);
        }
        Image image = b.build();
        List<byte[]> cmd = List.of("/bin/true".getBytes(StandardCharsets.UTF_8));
        double[] java = new double[REPS + WARMUP];
        for (int r = 0; r < java.length; r++) {
            long t0 = System.nanoTime();
            RestoreOutcome o = new Restorer().restore(new RestoreRequest(image, List.of(), false, null,
                    UnrestorablePolicy.FAIL, false, cmd, Map.of()));
            for (SpawnedTask s : o.spawned()) FdTableSpawner.waitFor(s.pid());
            java[r] = (System.nanoTime() - t0) / 1e6;
            assertTrue(o.report().tasks().get(0).fds().stream().allMatch(f -> f.status() == io.fleetckpt.restore.report.FdStatus.RESTORED));
        }
        double[] jw = Arrays.copyOfRange(java, WARMUP, java.length);
        Process p = new ProcessBuilder(CPrograms.get("restore_baseline").toString(), dir.toString(),
                Integer.toString(files), Integer.toString(dups), Integer.toString(REPS)).redirectErrorStream(true).start();
        List<Double> c = new ArrayList<>();
        for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) c.add(Double.parseDouble(line.trim()));
        p.waitFor();
        double jm = median(jw);
        double cm = median(c.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf("restore %,d fds (%,d descriptions x %d): java first run %.1f ms, warm median %.1f ms (%.2f us/fd),"
                        + " C baseline median %.1f ms, warm ratio %.2f%n",
                files * dups, files, dups, java[0], jm, jm * 1000 / (files * dups), cm, jm / cm);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
