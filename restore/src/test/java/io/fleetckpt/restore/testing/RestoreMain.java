package io.fleetckpt.restore.testing;

import io.fleetckpt.format.ImageReader;
import io.fleetckpt.restore.RestoreOutcome;
import io.fleetckpt.restore.RestoreRequest;
import io.fleetckpt.restore.Restorer;
import io.fleetckpt.restore.plan.UnrestorablePolicy;
import io.fleetckpt.restore.report.ReportWriter;
import io.fleetckpt.restore.spawn.BundledPreload;
import io.fleetckpt.restore.spawn.FdTableSpawner;
import io.fleetckpt.restore.spawn.SpawnedTask;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A restore in a JVM of its own, as {@code fleetckpt restore IMAGE -- COMMAND...} does it with the
 * default preload (installed in the user's cache directory): tests start it as another user.
 * usage: RestoreMain [--dry-run] IMAGE COMMAND [ARGS...]; prints the JSON report, waits for COMMAND.
 * A dry run installs no library: it judges where the library would be installed, as the CLI does.
 */
public final class RestoreMain {
    private RestoreMain() {
    }

    /**
     * Runs {@code pb} (a command line ending in this class and its arguments) and returns the
     * JSON report it printed; its stderr goes to {@code stderr}.
     */
    public static String runChild(ProcessBuilder pb, Path stderr) throws Exception {
        Process p = pb.redirectError(stderr.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("restore in a JVM of its own failed: " + out + Files.readString(stderr));
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        boolean dryRun = args[0].equals("--dry-run");
        int first = dryRun ? 1 : 0;
        var image = ImageReader.readImage(Files.readAllBytes(Path.of(args[first])));
        List<byte[]> command = new ArrayList<>();
        for (int i = first + 1; i < args.length; i++) command.add(args[i].getBytes(StandardCharsets.UTF_8));
        BundledPreload.Choice choice = BundledPreload.chooseDefault(System.getenv(), dryRun);
        if (choice.warning() != null) System.err.println("fleetckpt restore: warning: " + choice.warning());
        Path preload = choice.library();
        RestoreOutcome o = new Restorer().restore(new RestoreRequest(image, List.of(), false, null,
                UnrestorablePolicy.DEVNULL, dryRun, command, System.getenv(), preload));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        ReportWriter.json(o.report(), out);
        for (SpawnedTask t : o.spawned()) FdTableSpawner.waitFor(t.pid());
    }
}
