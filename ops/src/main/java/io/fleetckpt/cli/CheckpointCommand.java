package io.fleetckpt.cli;

import io.fleetckpt.cli.kafka.BrokerTimeoutOption;
import io.fleetckpt.cli.kafka.CheckpointWatcher;
import io.fleetckpt.cli.kafka.CliJson;
import io.fleetckpt.cli.kafka.DurationConverter;
import io.fleetckpt.cli.kafka.KafkaOptions;
import io.fleetckpt.cli.kafka.SelectionOptions;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.messages.codec.MessageIds;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** {@code fleetckpt checkpoint}: sends a checkpoint request and, with --wait, follows it to the stored images. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = {"Request a checkpoint of processes on one or more hosts (the same selection on each).",
                "With --wait, show each host's progress and end with the stored images or the per-host failures."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:request sent (with --wait: every host's image stored)",
                "1:with --wait: some host failed, is partial, or did not finish in time",
                "2:usage error or broker unreachable"})
public final class CheckpointCommand implements Callable<Integer> {
    /** After the deadline, how long to keep waiting for the aggregator's verdict. */
    private static final long VERDICT_GRACE_MS = 30_000;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    BrokerTimeoutOption brokerTimeout;

    @Option(names = "--host", required = true, paramLabel = "HOST", split = ",", description = "Host id to checkpoint (repeatable).")
    List<String> hosts;

    @Mixin
    SelectionOptions selection;

    @Option(names = "--checkpoint-id", paramLabel = "ID", description = "Checkpoint id (default: ck-<date>-<time>-<random>).")
    String checkpointId;

    @Option(names = "--deadline", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "Every host must be done within this (default ${DEFAULT-VALUE}).")
    Duration deadline;

    @Option(names = "--no-freeze", description = "Do not freeze the tasks: scan until two scans agree.")
    boolean noFreeze;

    @Option(names = "--strict-v13", description = "Refuse fd types v13 could not express.")
    boolean strictV13;

    @Option(names = "--wait", description = "Follow the checkpoint until its images are stored or it fails.")
    boolean await;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (selection.isEmpty()) throw new CommandLine.ParameterException(spec.commandLine(), "select something: --pid, --tree, --cgroup or --comm");
        String id = checkpointId != null ? checkpointId : newId();
        List<String> hostIds = new ArrayList<>(new LinkedHashSet<>(hosts));
        // ids the aggregator would dead-letter would only freeze processes for nothing
        String idProblem = MessageIds.problem("--checkpoint-id", id);
        if (idProblem != null) throw new CommandLine.ParameterException(spec.commandLine(), idProblem);
        for (String h : hostIds) {
            String hostProblem = MessageIds.problem("--host", h);
            if (hostProblem != null) throw new CommandLine.ParameterException(spec.commandLine(), hostProblem);
        }
        long now = System.currentTimeMillis();
        List<HostSelection> selections = hostIds.stream().map(selection::forHost).toList();
        CheckpointRequest req = CheckpointRequest.newBuilder()
                .setCheckpointId(id).setRequestedAtMs(now).setDeadlineMs(now + deadline.toMillis())
                .setRequestedBy(System.getProperty("user.name", "") + "@" + AgentCommand.resolveHostId(null))
                .setHosts(selections)
                .setOptions(CheckpointOptions.newBuilder().setFreeze(!noFreeze).setStrictV13(strictV13).build())
                .build();
        KafkaClientConfig config = kafka.clientConfig();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // a producer's metadata request may auto-create a missing topic with the broker's defaults;
        // ours are created at setup only, and a missing one is a one-line error, not a 60 s hang
        AgentCommand.awaitTopics(kafka, brokerTimeout.get(spec), spec, admin -> warnOfHostsWithoutAgent(admin, hostIds, err));
        CheckpointWatcher watcher = await ? new CheckpointWatcher(config, kafka.topics(), kafka.budget(), hostIds) : null;
        try {
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(config.producer("fleetckpt-checkpoint", kafka.budget()))) {
                p.send(new ProducerRecord<>(kafka.topics().control(), id, new MessageCodec().encode(req))).get(60, TimeUnit.SECONDS);
            }
            if (!await) {
                out.println(json ? CliJson.write(Map.of("checkpoint", id, "hosts", hostIds, "sent", true)) : id);
                return 0;
            }
            err.println("checkpoint " + id + ": requested from " + String.join(", ", hostIds) + ", deadline in " + deadline.toSeconds() + " s");
            boolean finished = watcher.await(id, req.getDeadlineMs() + VERDICT_GRACE_MS, err);
            return report(id, watcher, finished, out);
        } finally {
            if (watcher != null) watcher.close();
        }
    }

    /**
     * One line per requested host whose agent group has no member: nothing runs there to capture
     * (or not yet), and --wait would otherwise find it out only at the deadline. Only a warning:
     * an agent started before the deadline still takes the request.
     */
    private static void warnOfHostsWithoutAgent(org.apache.kafka.clients.admin.Admin admin, List<String> hostIds, PrintWriter err) {
        Map<String, String> groups = new LinkedHashMap<>();
        for (String h : hostIds) groups.put(io.fleetckpt.agent.daemon.AgentDaemon.groupId(h), h);
        try {
            var described = admin.describeConsumerGroups(List.copyOf(groups.keySet())).describedGroups();
            for (var e : described.entrySet()) {
                boolean none;
                try {
                    none = e.getValue().get(10, TimeUnit.SECONDS).members().isEmpty();
                } catch (java.util.concurrent.ExecutionException x) {
                    none = x.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException;
                }
                if (none) {
                    err.println("fleetckpt checkpoint: warning: no agent of host " + groups.get(e.getKey()) + " is running (group "
                            + e.getKey() + " has no member); the request waits for one until its deadline");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
            // only a hint: the request goes out whatever this finds
        }
        err.flush();
    }

    private int report(String id, CheckpointWatcher w, boolean finished, PrintWriter out) {
        boolean ok = finished && w.allStored();
        if (json) {
            List<Map<String, Object>> hs = new ArrayList<>();
            for (CheckpointWatcher.HostState h : w.hosts()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("host", h.hostId);
                ImageEvent e = h.image;
                m.put("status", e == null ? "UNKNOWN" : e.getStatus().name());
                m.put("stream", h.stream);
                if (e != null) {
                    m.put("location", e.getLocation());
                    m.put("sha256", e.getSha256());
                    m.put("size_bytes", e.getSizeBytes());
                    m.put("tasks", e.getTaskCount());
                    m.put("fds", e.getFdCount());
                    m.put("reason", e.getReason());
                }
                hs.add(m);
            }
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("checkpoint", id);
            top.put("status", ok ? "STORED" : w.finalEvent() != null ? w.finalEvent().getStatus().name() : finished ? "FAILED" : "TIMEOUT");
            if (w.finalEvent() != null) top.put("manifest", w.finalEvent().getManifestLocation());
            top.put("hosts", hs);
            out.println(CliJson.write(top));
        } else {
            out.println("checkpoint " + id + ": " + (ok ? "all images stored" : finished ? "not all hosts stored" : "no verdict before the deadline"));
            for (CheckpointWatcher.HostState h : w.hosts()) {
                ImageEvent e = h.image;
                if (e == null) {
                    out.printf("  %-20s %s%n", h.hostId, "no image event (" + h.stream + ")");
                } else {
                    out.printf("  %-20s %-8s %s%n", h.hostId, e.getStatus(),
                            e.getLocation() != null ? e.getLocation() + " sha256 " + e.getSha256() + ", " + e.getTaskCount() + " tasks, " + e.getFdCount() + " fds"
                                    : String.valueOf(e.getReason()));
                }
            }
        }
        out.flush();
        return ok ? 0 : 1;
    }

    static String newId() {
        return "ck-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }
}
