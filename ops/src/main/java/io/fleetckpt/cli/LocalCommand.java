package io.fleetckpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetckpt.agent.daemon.AgentRuntime;
import io.fleetckpt.agent.daemon.LocalHostCapturer;
import io.fleetckpt.aggregator.consume.AggregatorService;
import io.fleetckpt.aggregator.consume.AggregatorSettings;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.TopicSetup;
import io.fleetckpt.kafka.embedded.EmbeddedKafka;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.CheckpointStatus;
import io.fleetckpt.store.FileSystemImageStore;
import io.fleetckpt.store.HostEntry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"The whole pipeline in one JVM: starts a single-node Kafka broker (KRaft, data under --data), "
                + "creates the topics, runs the aggregator and an agent for this host, checkpoints a process tree, "
                + "waits for the stored image and prints the checkpoint id, the image path and the inspect summary.",
                "Without --pid/--tree it starts a sample tree itself (files at positions, a dup, a directory, "
                        + "forked children sharing them, a pipe) and ends it afterwards. Needs root (freezing, /proc, kcmp)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the image is stored (STORED)",
                "1:the checkpoint ended PARTIAL or FAILED (the reasons are printed)",
                "2:usage error, --data in use by another local, the broker or the store could not be set up, "
                        + "or no outcome before the timeout",
                "130:stopped by Ctrl-C (143: SIGTERM) after closing the broker, aggregator, agent and sample tree"})
final class LocalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The store of a local run on the default --data, which images and pull read by default. */
    static final String DEFAULT_STORE = "fleetckpt-data/store";

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "fleetckpt-data",
            description = "broker, agent and store data, kept across runs (default: ${DEFAULT-VALUE} under the working "
                    + "directory); one local at a time per directory")
    Path data;

    @Option(names = "--store", paramLabel = "DIR", description = "image store (default: DATA/store)")
    Path store;

    @ArgGroup(exclusive = true)
    Target target;

    static final class Target {
        @Option(names = "--pid", paramLabel = "PID", converter = io.fleetckpt.cli.kafka.PidConverter.class, description = "checkpoint this process only")
        Integer pid;
        @Option(names = "--tree", paramLabel = "PID", converter = io.fleetckpt.cli.kafka.PidConverter.class, description = "checkpoint this process and all its descendants")
        Integer tree;
    }

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", converter = io.fleetckpt.cli.kafka.Bounded.PositiveInt.class,
            description = "the checkpoint's deadline, from the request (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--json", description = "print the result as one JSON object instead of text")
    boolean json;

    @Option(names = "--keep-running", description = "after the checkpoint, keep the broker, aggregator, agent and "
            + "metrics endpoint up until interrupted (Ctrl-C), for more checkpoints or a look at the metrics")
    boolean keepRunning;

    @CommandLine.Mixin
    MetricsOptions metricsOptions;

    /** The consumer group of local's aggregator. */
    static final String AGGREGATOR_GROUP = "fleetckpt-aggregator-local";
    /** group.instance.id of local's members of its agent group and its aggregator group. */
    static final String GROUP_INSTANCE_ID = "fleetckpt-local";

    /** How long the shutdown hook waits for the orderly close (a broker still starting finishes first). */
    private static final long CLOSE_ON_SIGNAL_S = 45;

    /** Released by the shutdown hook (Ctrl-C, SIGTERM) or an interrupt: ends --keep-running, or the run. */
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Released once everything is closed, which the shutdown hook waits for. */
    private final CountDownLatch closed = new CountDownLatch(1);
    /** The sample tree while it runs, for the shutdown hook's last resort. */
    private volatile SampleProcessTree sample;

    private long t0;

    /** The run was ended by a signal (or an interrupt) before its end: everything is closed on the way out. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    @Override
    public Integer call() throws Exception {
        t0 = System.nanoTime();
        // for the whole run, not only --keep-running: a signal must close the broker (a killed one
        // makes the next start wait ~10 s for its stale registration) and end the sample tree
        Thread hook = new Thread(this::closeOnSignal, "fleetckpt-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return runPipeline();
        } catch (Stopped e) {
            return EXIT_STOPPED;
        } finally {
            if (stop.getCount() == 0) {
                step("stopped: " + (target == null ? "the broker, aggregator, agent and sample tree" : "the broker, aggregator and agent")
                        + " are closed");
            }
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it is what stopped us, and it waits for `closed`
            }
        }
    }

    /** What a signal's exit status would be; the JVM's own (128 + the signal) wins when a signal ended it. */
    static final int EXIT_STOPPED = 130;

    /**
     * The shutdown hook: asks the run to stop, waits for it to close what it started, and ends
     * the sample tree itself if that does not happen in time.
     */
    private void closeOnSignal() {
        if (closed.getCount() == 0) return;
        stop.countDown();
        step("stopping on a signal: closing what local started");
        try {
            if (!closed.await(CLOSE_ON_SIGNAL_S, TimeUnit.SECONDS)) {
                SampleProcessTree s = sample;
                if (s != null) s.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Throws {@link Stopped} once a signal or an interrupt asked the run to end. */
    private void stopIfAsked() {
        if (Thread.interrupted()) stop.countDown();
        if (stop.getCount() == 0) throw new Stopped();
    }

    private Integer runPipeline() throws Exception {
        Path storeDir = store != null ? store : data.resolve("store");
        String hostId = LocalHostId.get();
        // taken before anything reads the broker's files, released after the broker closed
        try (DataDirLock lock = DataDirLock.acquire(data)) {
            return runPipeline(storeDir, hostId);
        }
    }

    private Integer runPipeline(Path storeDir, String hostId) throws Exception {
        Path kafkaDir = data.resolve("kafka");
        step("starting the embedded Kafka broker (data in " + data.toAbsolutePath().normalize() + ")");
        if (EmbeddedKafka.lastRunEndedUncleanly(kafkaDir)) {
            step("the broker's last run did not shut down cleanly (killed?): it recovers its logs and waits "
                    + "about 10 s for that run's registration to expire");
        }
        // the endpoint (and its Admin client) closes before the broker it watches
        try (EmbeddedKafka broker = EmbeddedKafka.start(kafkaDir, Map.of());
             MetricsEndpoint metrics = metricsOptions.open("local").checkStore(storeDir)) {
            stopIfAsked();
            // the only member of its agent group and of its aggregator group (two groups, so one
            // instance id serves both): after a killed run the next one takes over that run's
            // memberships at once instead of waiting 45 s for them to time out (measured: the next
            // local stored its image after 14 s instead of 60 s); a clean close keeps them too
            KafkaClientConfig kafka = KafkaClientConfig.of(broker.bootstrapServers()).withStaticMembership(GROUP_INSTANCE_ID);
            TopicNames topics = TopicNames.defaults();
            try (Admin admin = Admin.create(kafka.admin())) {
                new TopicSetup(admin).ensureTopics(topics, TopicLayout.singleNode(), Duration.ofSeconds(60));
            }
            step("broker at " + broker.bootstrapServers() + ", topics ready");
            stopIfAsked();
            AggregatorService aggregator = new AggregatorService(AggregatorSettings.defaults(kafka, topics, storeDir)
                    .withGroupId(AGGREGATOR_GROUP), metrics.metrics()).start();
            metrics.checkKafka(kafka).checkPolling(aggregator::lastPollMs, MetricsEndpoint.MAX_POLL_GAP).start();
            if (metrics.port() != 0) step("metrics on http://" + metricsOptions.host + ":" + metrics.port() + "/metrics and /health");
            try (LocalHostCapturer capturer = new LocalHostCapturer(data.resolve("agent"), 2);
                 AgentRuntime agent = new AgentRuntime(kafka, topics, ChunkBudget.DEFAULT, hostId, capturer, FormatOptions.DEFAULT,
                         metrics.metrics());
                 SampleProcessTree sample = target == null ? startSample() : null) {
                stopIfAsked();
                agent.startDaemon("fleetckpt-agent");
                HostSelection sel = selection(hostId, sample);
                step("aggregator and agent (host " + hostId + ") running; checkpointing "
                        + (sel.getTrees().isEmpty() ? "pid " + sel.getPids() : "tree " + sel.getTrees())
                        + (sample == null ? "" : " (sample: " + sample.processes().size() + " processes)"));
                String id = checkpointId();
                long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
                sendRequest(kafka, topics, id, deadline, sel);
                step("requested checkpoint " + id);
                CheckpointManifest m = await(new FileSystemImageStore(storeDir), id, aggregator, deadline + 15_000);
                if (!keepRunning) aggregator.close();
                int exit = report(m, storeDir);
                if (keepRunning) holdUntilStopped(broker.bootstrapServers());
                return exit;
            } finally {
                aggregator.close();
            }
        }
    }

    private SampleProcessTree startSample() throws Exception {
        SampleProcessTree s = SampleProcessTree.start();
        sample = s;
        return s;
    }

    /**
     * Keeps everything up until Ctrl-C or SIGTERM (the shutdown hook releases {@code stop}, then
     * waits until the broker and the rest are closed) or, in-process, an interrupt of the calling
     * thread.
     */
    private void holdUntilStopped(String bootstrap) {
        step("running until interrupted (Ctrl-C): broker at " + bootstrap
                + "; more checkpoints with: fleetckpt checkpoint --bootstrap-server " + bootstrap + " --host " + LocalHostId.get() + " ...");
        try {
            stop.await();
        } catch (InterruptedException e) {
            // an interrupt is this command's stop signal: go on to the orderly close
        }
    }

    private HostSelection selection(String hostId, SampleProcessTree sample) {
        HostSelection.Builder b = HostSelection.newBuilder().setHostId(hostId);
        if (sample != null) b.setTrees(List.of((int) sample.rootPid()));
        else if (target.tree != null) b.setTrees(List.of(target.tree));
        else b.setPids(List.of(target.pid));
        return b.build();
    }

    private static String checkpointId() {
        return "local-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + UUID.randomUUID().toString().substring(0, 4);
    }

    private static void sendRequest(KafkaClientConfig kafka, TopicNames topics, String id, long deadline, HostSelection sel)
            throws Exception {
        CheckpointRequest r = CheckpointRequest.newBuilder().setCheckpointId(id).setRequestedAtMs(System.currentTimeMillis())
                .setDeadlineMs(deadline).setRequestedBy("fleetckpt local").setHosts(List.of(sel))
                .setOptions(CheckpointOptions.newBuilder().build()).build();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer("fleetckpt-local", ChunkBudget.DEFAULT))) {
            p.send(new ProducerRecord<>(topics.control(), id, new MessageCodec().encode(r))).get();
        }
    }

    /** Polls the manifest until the checkpoint's outcome is final, printing progress. */
    private CheckpointManifest await(FileSystemImageStore s, String id, AggregatorService aggregator, long giveUpAtMs)
            throws Exception {
        long lastChunks = -1;
        while (System.currentTimeMillis() < giveUpAtMs) {
            stopIfAsked();
            if (aggregator.failure() != null) {
                throw new IllegalStateException("the aggregator stopped: " + aggregator.failure().getMessage());
            }
            Optional<CheckpointManifest> m = s.readManifest(id);
            if (m.isPresent() && m.get().status().isFinal()) return m.get();
            long chunks = aggregator.stats().chunks;
            if (chunks != lastChunks) {
                long images = aggregator.stats().imagesStored;
                step("waiting: " + chunks + (chunks == 1 ? " chunk" : " chunks") + " received, " + images + (images == 1 ? " image" : " images") + " stored");
                lastChunks = chunks;
            }
            if (stop.await(100, TimeUnit.MILLISECONDS)) throw new Stopped();
        }
        throw new IllegalStateException("no outcome for checkpoint " + id + " before the timeout; "
                + "the aggregator saw " + aggregator.stats());
    }

    private int report(CheckpointManifest m, Path storeDir) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("checkpointId", m.checkpointId());
            r.put("status", m.status());
            r.put("manifest", storeDir.resolve("checkpoints").resolve(m.checkpointId()).resolve("manifest.json").toAbsolutePath().toString());
            r.put("hosts", m.hosts());
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            out.flush();
            return m.status() == CheckpointStatus.STORED ? 0 : 1;
        }
        out.println("checkpoint " + m.checkpointId() + ": " + m.status());
        for (HostEntry h : m.hosts()) {
            if (h.image() == null) {
                out.println("  host " + h.hostId() + ": " + h.status() + ": " + h.reason());
                continue;
            }
            Path image = storeDir.resolve(h.image().path()).toAbsolutePath().normalize();
            out.println("  host " + h.hostId() + ": " + h.status() + (h.reason() == null ? "" : " (" + h.reason() + ")"));
            out.println("  image " + image);
            out.println("  " + h.image().taskCount() + " tasks, " + h.image().fdCount() + " fds, "
                    + h.image().openFileCount() + " open files, " + h.image().sizeBytes() + " bytes, frozen "
                    + h.image().frozenWindowUs() + " us, sha256 " + h.image().sha256());
            out.println();
            out.flush();
            inspect(image, out);
        }
        out.flush();
        return m.status() == CheckpointStatus.STORED ? 0 : 1;
    }

    /** Runs the {@code inspect} command on the image when the CLI has it. */
    private void inspect(Path image, PrintWriter out) {
        CommandLine inspect = spec.root().subcommands().get("inspect");
        if (inspect == null) {
            out.println("  (inspect: run 'fleetckpt inspect " + image + "')");
            return;
        }
        inspect.setOut(out);
        inspect.setErr(spec.commandLine().getErr());
        inspect.execute(image.toString());
    }

    private void step(String what) {
        PrintWriter err = spec.commandLine().getErr();
        err.printf("[%5.1fs] %s%n", (System.nanoTime() - t0) / 1e9, what);
        err.flush();
    }
}
