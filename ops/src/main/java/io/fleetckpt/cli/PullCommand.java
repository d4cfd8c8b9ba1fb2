package io.fleetckpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetckpt.restore.pull.ImagePuller;
import io.fleetckpt.restore.pull.StoredImageRef;
import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.CheckpointStatus;
import io.fleetckpt.store.FileSystemImageStore;
import io.fleetckpt.store.HostEntry;
import io.fleetckpt.store.HostStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Copies a checkpoint's images out of the store into OUTDIR as <checkpoint>-<host>.img, "
                + "verifying each against the SHA-256 and size its manifest lists. A file appears in OUTDIR only "
                + "complete and verified (temp file, fsync, rename); a mismatch is an error naming the image.",
                "Each pulled line says when the host's image is PARTIAL (some selected tasks left out) and why; when the "
                        + "checkpoint is not STORED (PARTIAL, FAILED, IN_PROGRESS) one line on stderr says so with every host "
                        + "that is not. That is still exit 0 when every image asked for verified, unless --fail-on-partial."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image pulled and verified (also of a checkpoint that is not STORED: see stderr)",
                "1:with --fail-on-partial: every image verified, but the checkpoint or a pulled image is not complete",
                "2:usage error, unknown checkpoint/host, or an image failed verification"})
final class PullCommand implements Callable<Integer> {
    /** A fleet's worth of failed hosts would not be one line. */
    private static final int MAX_HOSTS_NAMED = 5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "checkpoint id")
    String checkpointId;

    @Option(names = "--host", paramLabel = "H", description = "only this host's image")
    String host;

    @Option(names = "--store", paramLabel = "DIR", defaultValue = LocalCommand.DEFAULT_STORE,
            description = "image store directory (default ${DEFAULT-VALUE}: where `local` stores)")
    Path store;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR", description = "where the images go")
    Path outDir;

    @Option(names = "--json", description = "print the result as JSON (with the checkpoint's status and per image its"
            + " status and partialReason)")
    boolean json;

    @Option(names = "--fail-on-partial", description = "exit 1 when the checkpoint is not STORED or a pulled image is PARTIAL")
    boolean failOnPartial;

    @Override
    public Integer call() throws Exception {
        FileSystemImageStore s = ExistingStore.open(store);
        List<StoredImageRef> refs = StoredImageRef.find(s, checkpointId, host);
        CheckpointManifest manifest = s.readManifest(checkpointId).orElseThrow();
        createOutputDirectory();
        ImagePuller puller = new ImagePuller(s);
        ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr());
        List<Map<String, Object>> results = new ArrayList<>();
        int failed = 0;
        for (StoredImageRef ref : refs) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("host", ref.hostId());
            r.put("sha256", ref.image().sha256());
            r.put("sizeBytes", ref.image().sizeBytes());
            String partial = ref.image().partialReason();
            r.put("status", (partial == null ? HostStatus.STORED : HostStatus.PARTIAL).name());
            if (partial != null) r.put("partialReason", partial);
            try {
                Path f = puller.pull(ref, outDir, progress);
                r.put("file", f.toString());
                r.put("verified", true);
                if (!json) spec.commandLine().getOut().printf("pulled %s -> %s (%,d bytes, sha256 verified%s)%n", ref.hostId(), f,
                        ref.image().sizeBytes(), partial == null ? "" : "; PARTIAL: " + partial);
            } catch (java.io.IOException e) {
                failed++;
                progress.endLine();
                r.put("verified", false);
                r.put("error", ErrorHandler.message(e));
                spec.commandLine().getErr().println("fleetckpt pull: error: " + ErrorHandler.message(e));
            }
            results.add(r);
        }
        if (json) {
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("checkpointId", checkpointId);
            top.put("status", manifest.status().name());
            top.put("images", results);
            spec.commandLine().getOut().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(top));
        }
        spec.commandLine().getOut().flush();
        if (manifest.status() != CheckpointStatus.STORED) spec.commandLine().getErr().println(incomplete(manifest));
        if (failed > 0) return 2;
        boolean partial = manifest.status() != CheckpointStatus.STORED
                || refs.stream().anyMatch(ref -> ref.image().partialReason() != null);
        return failOnPartial && partial ? 1 : 0;
    }

    /** "fleetckpt pull: checkpoint ck-2 is PARTIAL: web-9 FAILED (deadline passed: no END)" */
    static String incomplete(CheckpointManifest m) {
        List<String> hosts = new ArrayList<>();
        for (HostEntry h : m.hosts()) {
            if (h.status() == HostStatus.STORED) continue;
            if (hosts.size() == MAX_HOSTS_NAMED) {
                hosts.add("...");
                break;
            }
            hosts.add(h.hostId() + " " + h.status() + (h.reason() == null ? "" : " (" + h.reason() + ")"));
        }
        return "fleetckpt pull: checkpoint " + m.checkpointId() + " is " + m.status() + (hosts.isEmpty() ? "" : ": " + String.join("; ", hosts));
    }

    /** Once, before the first image: a failure here would otherwise be a bare "/x: Operation not permitted" per image. */
    private void createOutputDirectory() throws java.io.IOException {
        if (java.nio.file.Files.exists(outDir)) return; // a file in the way: the puller says so
        try {
            java.nio.file.Files.createDirectories(outDir);
        } catch (java.nio.file.FileSystemException e) {
            String where = e.getFile() == null || Path.of(e.getFile()).equals(outDir) ? "" : " (" + e.getFile() + ")";
            throw new java.io.IOException("cannot create the output directory " + outDir + ": " + ErrorHandler.reason(e) + where, e);
        }
    }
}
