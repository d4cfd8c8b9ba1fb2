package io.fleetckpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.FileSystemImageStore;
import io.fleetckpt.store.HostEntry;
import io.fleetckpt.store.ImageEntry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "images", mixinStandardHelpOptions = true,
        description = "Lists stored checkpoints: status, hosts, and per host its image (size, tasks, fds, open files, capture time).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed", "2:usage error, no store, unknown checkpoint or unreadable manifest"})
final class ImagesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", paramLabel = "DIR", defaultValue = LocalCommand.DEFAULT_STORE,
            description = "image store directory (default ${DEFAULT-VALUE}: where `local` stores)")
    java.nio.file.Path store;

    @Option(names = "--checkpoint", paramLabel = "ID", description = "only this checkpoint")
    String checkpointId;

    @Option(names = "--json", description = "print JSON: the manifests plus totals per checkpoint")
    boolean json;

    /** A checkpoint of the listing: its manifest, or why that could not be read. */
    private record Listed(String id, CheckpointManifest manifest, String error) {
    }

    @Override
    public Integer call() throws Exception {
        FileSystemImageStore s = ExistingStore.open(store);
        // in the store's order, an unreadable manifest in its place: one must not hide the others (exit 2)
        List<Listed> listed = new ArrayList<>();
        if (checkpointId != null) {
            CheckpointManifest m = s.readManifest(checkpointId).orElseThrow(() ->
                    new java.io.IOException("no checkpoint " + checkpointId + " in the store " + store));
            listed.add(new Listed(checkpointId, m, null));
        } else {
            for (String id : s.listCheckpoints()) {
                try {
                    s.readManifest(id).ifPresent(m -> listed.add(new Listed(id, m, null)));
                } catch (java.io.IOException | RuntimeException e) {
                    listed.add(new Listed(id, null, ErrorHandler.message(e)));
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Listed l : listed) {
                Map<String, Object> e = new LinkedHashMap<>();
                if (l.manifest() != null) {
                    e.put("manifest", l.manifest());
                    e.put("totals", totals(l.manifest()));
                } else {
                    e.put("checkpointId", l.id());
                    e.put("error", l.error());
                }
                list.add(e);
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(Map.of("store", store.toString(), "checkpoints", list)));
        } else {
            if (listed.isEmpty()) out.println("no checkpoints");
            for (Listed l : listed) {
                if (l.manifest() != null) text(l.manifest(), out);
                else out.printf("%s  UNREADABLE  %s%n", l.id(), l.error());
            }
        }
        out.flush();
        List<String> unreadable = listed.stream().filter(l -> l.manifest() == null).map(Listed::id).toList();
        if (unreadable.isEmpty()) return 0;
        // the errors themselves are in the listing, once each
        spec.commandLine().getErr().printf("fleetckpt images: error: %d of %d manifests unreadable (%s): see %s%n",
                unreadable.size(), listed.size(), String.join(", ", unreadable.subList(0, Math.min(10, unreadable.size())))
                        + (unreadable.size() > 10 ? ", ..." : ""), json ? "their \"error\" in the JSON" : "UNREADABLE above");
        return 2;
    }

    private static Map<String, Long> totals(CheckpointManifest m) {
        Map<String, Long> t = new LinkedHashMap<>();
        t.put("hosts", (long) m.hosts().size());
        t.put("images", m.hosts().stream().filter(h -> h.image() != null).count());
        t.put("sizeBytes", m.hosts().stream().filter(h -> h.image() != null).mapToLong(h -> h.image().sizeBytes()).sum());
        t.put("tasks", m.hosts().stream().filter(h -> h.image() != null).mapToLong(h -> h.image().taskCount()).sum());
        t.put("fds", m.hosts().stream().filter(h -> h.image() != null).mapToLong(h -> h.image().fdCount()).sum());
        return t;
    }

    private static void text(CheckpointManifest m, PrintWriter out) {
        Map<String, Long> t = totals(m);
        out.printf("%s  %s  requested %s  completed %s  %d/%d hosts with images, %,d bytes, %,d tasks, %,d fds%n",
                m.checkpointId(), m.status(), time(m.requestedAtMs()), m.completedAtMs() == null ? "-" : time(m.completedAtMs()),
                t.get("images"), t.get("hosts"), t.get("sizeBytes"), t.get("tasks"), t.get("fds"));
        out.printf("  %-20s %-8s %13s %6s %9s %9s %-24s %-12s %s%n", "HOST", "STATUS", "BYTES", "TASKS", "FDS", "FILES",
                "CAPTURED", "SHA256", "REASON");
        for (HostEntry h : m.hosts()) {
            ImageEntry i = h.image();
            out.printf("  %-20s %-8s %13s %6s %9s %9s %-24s %-12s %s%n", h.hostId(), h.status(),
                    count(i == null ? null : i.sizeBytes()), count(i == null ? null : (long) i.taskCount()),
                    count(i == null ? null : i.fdCount()), count(i == null ? null : i.openFileCount()),
                    i == null ? "-" : time(i.capturedAtMs()), i == null ? "-" : i.sha256().substring(0, 12),
                    h.reason() == null ? "" : h.reason());
        }
    }

    private static String count(Long n) {
        return n == null ? "-" : String.format("%,d", n);
    }

    private static String time(long ms) {
        return ms <= 0 ? "-" : Instant.ofEpochMilli(ms).toString();
    }
}
