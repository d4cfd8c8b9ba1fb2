package io.fleetckpt.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetckpt.agent.publish.CapturedHost;
import io.fleetckpt.agent.publish.HostStreamPublisher;
import io.fleetckpt.agent.publish.StreamId;
import io.fleetckpt.aggregator.consume.AggregatorService;
import io.fleetckpt.aggregator.consume.AggregatorSettings;
import io.fleetckpt.aggregator.simulate.SimulatedHost;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.model.Image;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * End-to-end pipeline benchmark on the real embedded broker: simulated hosts publish their host
 * streams through the agent's publisher, the aggregator stores every image, and the time from
 * the request to the checkpoint's STORED manifest is measured. Then, in the same run and on the
 * same topic, a plain consumer and a fresh aggregator each read the whole backlog, alternately
 * and several times: the ratio of their median MB/s says what reassembly, resolution and
 * durable storing cost over just reading. Both are timed from their partitions' assignment to
 * the end (every record read; the checkpoint's manifest STORED), with the CPU of each span.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Simulated hosts -> embedded Kafka -> aggregator -> store. Measures end-to-end time from the request "
                + "to all images stored, aggregator throughput against a plain consumer of the same topic, and peak heap.",
                "Goals: aggregator >= 0.7x the plain consumer; 1M fd entries stored in < 10 s on 2 cores.",
                "The last line of output is one JSON object."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the benchmark ran and every image was stored", "2:usage error or a failed run"})
public final class BenchPipelineCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--hosts", defaultValue = "100", description = "simulated hosts (default: ${DEFAULT-VALUE})")
    int hosts;

    @Option(names = "--tasks", defaultValue = "100", description = "tasks per host (default: ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--fds", defaultValue = "100", description = "fds per task, at least 3 (default: ${DEFAULT-VALUE})")
    int fds;

    @Option(names = "--partitions", defaultValue = "4", description = "partitions of the records topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--publishers", defaultValue = "2", description = "threads publishing host streams (default: ${DEFAULT-VALUE})")
    int publishers;

    @Option(names = "--repeats", defaultValue = "3",
            description = "plain-consumer and aggregator reads of the backlog, alternating; medians are reported (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--warmup", defaultValue = "1",
            description = "rounds of both reads before the measured ones, not reported (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--catch-up-store", paramLabel = "DIR",
            description = "where the catch-up runs' stores go, e.g. a tmpfs to see what the disk costs (default: the work directory)")
    Path catchUpStore;

    @Option(names = "--data", paramLabel = "DIR", description = "work directory (default: a temp directory, deleted afterwards)")
    Path data;

    /** The aggregator's consumer thread and its store pool. */
    private static final String AGGREGATOR_THREADS = "fleetckpt-aggregator";
    private static final String STORE_THREADS = "fleetckpt-aggregator-store";

    private long t0;
    private Path catchUpStores;

    /**
     * Heap per fd entry: the hosts' models stay live all run (1M entries left 377 MB after a
     * collection, and ran as fast in a 1 GB heap), beside a base for the broker and clients.
     */
    static final long HEAP_BYTES_PER_ENTRY = 700;
    static final long HEAP_BASE_MB = 256;
    /** Disk per fd entry: ~100 bytes of records in the broker's log, and an image per store (live, warm-up, repeats). */
    static final long RECORD_BYTES_PER_ENTRY = 110;
    static final long IMAGE_BYTES_PER_ENTRY = 90;

    /** Refuses what this JVM's heap or the work directory's file system cannot hold, naming the options. */
    private void checkSize() throws java.io.IOException {
        CommandLine cl = spec.commandLine();
        if (tasks > FormatOptions.DEFAULT_MAX_TASKS || fds > FormatOptions.DEFAULT_MAX_FDS_PER_TASK) {
            throw new CommandLine.ParameterException(cl, String.format("--tasks at most %,d and --fds at most %,d"
                    + " (the reader's limits)", FormatOptions.DEFAULT_MAX_TASKS, FormatOptions.DEFAULT_MAX_FDS_PER_TASK));
        }
        long entries = BenchBounds.times(BenchBounds.times(hosts, tasks), fds);
        String product = "--hosts × --tasks × --fds";
        long heap = BenchBounds.maxHeapMb();
        long needHeap = HEAP_BASE_MB + BenchBounds.times(entries, HEAP_BYTES_PER_ENTRY) / (1 << 20);
        BenchBounds.require(cl, product, entries, needHeap, "heap", Math.max(0, heap - HEAP_BASE_MB) * (1 << 20) / HEAP_BYTES_PER_ENTRY,
                String.format("this JVM's %,d MB heap; FLEETCKPT_JAVA_OPTS=-Xmx... gives more", heap));
        Path where = data != null ? data.toAbsolutePath() : Path.of(System.getProperty("java.io.tmpdir"));
        while (where != null && !Files.exists(where)) where = where.getParent();
        if (where == null) return;
        long free = Files.getFileStore(where).getUsableSpace() >> 20;
        long perEntry = RECORD_BYTES_PER_ENTRY + IMAGE_BYTES_PER_ENTRY * (2L + warmup + repeats);
        BenchBounds.require(cl, product, entries, BenchBounds.times(entries, perEntry) / (1 << 20), "disk",
                free * (1 << 20) / perEntry, String.format("%,d MB free on the file system of %s", free, where));
    }

    @Override
    public Integer call() throws Exception {
        if (hosts < 1 || tasks < 1 || fds < 3 || repeats < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need hosts >= 1, tasks >= 1, fds >= 3, repeats >= 1, warmup >= 0");
        }
        checkSize();
        t0 = System.nanoTime();
        Path work = data != null ? Files.createDirectories(data) : Files.createTempDirectory("fleetckpt-bench-");
        try (HeapSampler heap = new HeapSampler(); EmbeddedKafka broker = EmbeddedKafka.start(work.resolve("kafka"), Map.of())) {
            KafkaClientConfig kafka = KafkaClientConfig.of(broker.bootstrapServers());
            TopicNames topics = TopicNames.withPrefix("bench-" + Long.toHexString(System.nanoTime()) + ".");
            ChunkBudget budget = ChunkBudget.DEFAULT;
            try (Admin admin = Admin.create(kafka.admin())) {
                new TopicSetup(admin).ensureTopics(topics, new TopicLayout(partitions, (short) 1, budget), Duration.ofSeconds(60));
            }
            progress("broker up, topics ready; generating " + hosts + " simulated hosts x " + tasks + " tasks x " + fds + " fds");
            List<Image> images = new ArrayList<>(hosts);
            for (int h = 0; h < hosts; h++) images.add(SimulatedHost.image(h, tasks, fds));
            long fdEntries = (long) hosts * tasks * fds;

            // phase 1: request -> publish -> aggregator stores everything
            String ckpt = "bench-" + hosts + "x" + tasks + "x" + fds;
            Path store1 = work.resolve("store-live");
            AggregatorService live = new AggregatorService(AggregatorSettings.defaults(kafka, topics, store1).withGroupId("bench-live")).start();
            long start = System.nanoTime();
            sendRequest(kafka, topics, ckpt, budget);
            publishAll(kafka, topics, budget, ckpt, images);
            double publishS = (System.nanoTime() - start) / 1e9;
            progress(String.format("published %d host streams in %.2f s", hosts, publishS));
            awaitStored(store1, ckpt, live, hosts);
            double endToEnd = (System.nanoTime() - start) / 1e9;
            live.close();
            progress(String.format("end to end: %,d fd entries stored in %.2f s", fdEntries, endToEnd));
            images.clear();

            // phase 2: on the same topic, alternately, a plain consumer and a fresh aggregator each
            // read the whole backlog; medians of several runs, as one run of a few hundred ms
            // swings with whatever else the machine does. The first round only warms up the JIT
            // (the broker's and the clients' code paths too): not reported.
            if (catchUpStore != null) catchUpStores = Files.createDirectories(catchUpStore.resolve("bench-" + Long.toHexString(System.nanoTime())));
            Path storesDir = catchUpStores != null ? catchUpStores : work;
            List<ReadSpan> plainRuns = new ArrayList<>();
            List<ReadSpan> aggRuns = new ArrayList<>();
            long aggPeakHeap = 0;
            long aggPeakAfterGc = 0;
            // no System.gc() to start the windows clean: a full collection shrinks the heap, and
            // growing it again (fresh pages, costly on a VM) would land in the timed spans
            for (int i = -warmup; i < repeats; i++) {
                String run = i < 0 ? "warm-up" : String.format("run %d/%d", i + 1, repeats);
                // on a new thread, as the aggregator's consumer is: per-thread I/O buffers start cold in both
                ReadSpan plain = onNewThread(() -> PlainTopicReader.read(kafka, topics.records(), budget));
                progress(String.format("%s plain consumer: %,d bytes in %.3f s = %.1f MB/s (CPU: %.3f s process, %.3f s reader)",
                        run, plain.bytes(), plain.seconds(), plain.mbPerS(), plain.processCpuNanos() / 1e9,
                        plain.readerCpuNanos() / 1e9));
                // a new store each time: every image is written and synced again
                heap.startWindow();
                ReadSpan agg = catchUp(kafka, topics, storesDir.resolve("store-catchup-" + (i + warmup)), "bench-catchup-" + (i + warmup), ckpt);
                progress(String.format("%s aggregator:     %,d bytes in %.3f s = %.1f MB/s (CPU: %.3f s process, %.3f s aggregator threads"
                                + " of which %.3f s in the store pool)",
                        run, agg.bytes(), agg.seconds(), agg.mbPerS(), agg.processCpuNanos() / 1e9,
                        agg.readerCpuNanos() / 1e9, agg.poolCpuNanos() / 1e9));
                if (i < 0) continue;
                plainRuns.add(plain);
                aggRuns.add(agg);
                aggPeakHeap = Math.max(aggPeakHeap, heap.windowPeakBytes());
                aggPeakAfterGc = Math.max(aggPeakAfterGc, heap.windowPeakAfterGcBytes());
            }
            double plainMbS = median(plainRuns, ReadSpan::mbPerS);
            double aggMbS = median(aggRuns, ReadSpan::mbPerS);
            long recordsBytes = plainRuns.get(0).bytes();
            double plainCpuS = median(plainRuns, x -> x.processCpuNanos() / 1e9);
            double aggCpuS = median(aggRuns, x -> x.processCpuNanos() / 1e9);
            progress(String.format("medians of %d runs: aggregator %.1f MB/s, plain consumer %.1f MB/s: %.2fx"
                    + " (by process CPU per byte: %.2fx)", repeats, aggMbS, plainMbS, aggMbS / plainMbS, plainCpuS / aggCpuS));

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "pipeline");
            r.put("hosts", hosts);
            r.put("tasks_per_host", tasks);
            r.put("fds_per_task", fds);
            r.put("fd_entries", fdEntries);
            r.put("partitions", partitions);
            r.put("records_bytes", recordsBytes);
            r.put("publish_s", round(publishS));
            r.put("end_to_end_s", round(endToEnd));
            r.put("aggregator_mb_s", round(aggMbS));
            r.put("plain_consumer_mb_s", round(plainMbS));
            r.put("aggregator_vs_plain", round(aggMbS / plainMbS));
            r.put("repeats", repeats);
            r.put("warmup", warmup);
            r.put("aggregator_mb_s_runs", aggRuns.stream().map(x -> round(x.mbPerS())).toList());
            r.put("plain_consumer_mb_s_runs", plainRuns.stream().map(x -> round(x.mbPerS())).toList());
            r.put("aggregator_s", round3(median(aggRuns, ReadSpan::seconds)));
            r.put("plain_consumer_s", round3(median(plainRuns, ReadSpan::seconds)));
            // CPU over each timed span (medians), of the whole process (broker, GC, JIT included)
            // and of the reader's own threads: less sensitive to other load than the rates
            r.put("plain_consumer_cpu_s", round3(plainCpuS));
            r.put("aggregator_cpu_s", round3(aggCpuS));
            r.put("aggregator_vs_plain_cpu", round(plainCpuS / aggCpuS));
            r.put("plain_consumer_thread_cpu_s", round3(median(plainRuns, x -> x.readerCpuNanos() / 1e9)));
            r.put("aggregator_thread_cpu_s", round3(median(aggRuns, x -> x.readerCpuNanos() / 1e9)));
            r.put("aggregator_consumer_thread_cpu_s", round3(median(aggRuns, x -> (x.readerCpuNanos() - x.poolCpuNanos()) / 1e9)));
            r.put("aggregator_store_pool_cpu_s", round3(median(aggRuns, x -> x.poolCpuNanos() / 1e9)));
            r.put("store_fs", Files.getFileStore(storesDir).type());
            r.put("peak_heap_mb", heap.peakBytes() >> 20);
            // the whole run holds the simulated hosts' models too; during the catch-up runs the heap
            // left after a collection bounds what the aggregator holds (old garbage not yet
            // collected included)
            r.put("peak_heap_after_gc_mb", heap.peakAfterGcBytes() >> 20);
            r.put("aggregator_peak_heap_mb", aggPeakHeap >> 20);
            r.put("aggregator_peak_heap_after_gc_mb", aggPeakAfterGc >> 20);
            r.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
            r.put("cores", Runtime.getRuntime().availableProcessors());
            r.put("goal_ratio_met", aggMbS / plainMbS >= 0.7);
            r.put("goal_1m_under_10s_met", fdEntries >= 1_000_000 ? endToEnd < 10 : null);
            PrintWriter out = spec.commandLine().getOut();
            out.println(new ObjectMapper().writeValueAsString(r));
            out.flush();
            return 0;
        } finally {
            if (data == null) deleteTree(work);
            // only the directory this run made under --catch-up-store
            if (catchUpStores != null) deleteTree(catchUpStores);
        }
    }

    /**
     * A fresh aggregator (new group, new store) reads the whole records topic until the
     * checkpoint's manifest is STORED: timed from its partitions' assignment, as the plain
     * consumer is, so the group join (not reading) is left out.
     */
    private ReadSpan catchUp(KafkaClientConfig kafka, TopicNames topics, Path store, String group, String ckpt)
            throws Exception {
        AggregatorService agg = new AggregatorService(AggregatorSettings.defaults(kafka, topics, store).withGroupId(group)).start();
        try {
            long cpu0 = CpuClock.processNanos();
            Map<Long, Long> own0 = CpuClock.threadsNamed(AGGREGATOR_THREADS);
            while (agg.stats().assignedNanos == 0 && agg.failure() == null) {
                cpu0 = CpuClock.processNanos();
                own0 = CpuClock.threadsNamed(AGGREGATOR_THREADS);
                Thread.sleep(1);
            }
            awaitStored(store, ckpt, agg, hosts);
            long end = System.nanoTime();
            long cpu = CpuClock.processNanos() - cpu0;
            long own = CpuClock.threadsNamedSince(AGGREGATOR_THREADS, own0);
            long pool = CpuClock.threadsNamedSince(STORE_THREADS, own0);
            return new ReadSpan(agg.stats().chunkBytes, end - agg.stats().assignedNanos, cpu, own, pool);
        } finally {
            agg.close();
        }
    }

    private static <T> T onNewThread(java.util.concurrent.Callable<T> task) throws Exception {
        java.util.concurrent.FutureTask<T> f = new java.util.concurrent.FutureTask<>(task);
        new Thread(f, "bench-plain-consumer").start();
        return f.get();
    }

    private static <T> double median(List<T> runs, java.util.function.ToDoubleFunction<T> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private void sendRequest(KafkaClientConfig kafka, TopicNames topics, String ckpt, ChunkBudget budget) throws Exception {
        List<HostSelection> sel = new ArrayList<>();
        for (int h = 0; h < hosts; h++) sel.add(HostSelection.newBuilder().setHostId("sim-" + h).setTrees(List.of(1000)).build());
        CheckpointRequest r = CheckpointRequest.newBuilder().setCheckpointId(ckpt)
                .setRequestedAtMs(System.currentTimeMillis()).setDeadlineMs(System.currentTimeMillis() + 600_000)
                .setRequestedBy("fleetckpt bench pipeline").setHosts(sel).setOptions(CheckpointOptions.newBuilder().build()).build();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer("bench-request", budget))) {
            p.send(new ProducerRecord<>(topics.control(), ckpt, new MessageCodec().encode(r))).get();
        }
    }

    private void publishAll(KafkaClientConfig kafka, TopicNames topics, ChunkBudget budget, String ckpt, List<Image> images)
            throws Exception {
        MessageCodec codec = new MessageCodec();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, publishers));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("bench-agents", budget))) {
            List<Future<?>> done = new ArrayList<>();
            ThreadLocal<HostStreamPublisher> publisher = ThreadLocal.withInitial(() ->
                    new HostStreamPublisher(producer, topics.records(), budget, codec, FormatOptions.DEFAULT));
            for (int h = 0; h < images.size(); h++) {
                Image image = images.get(h);
                String host = "sim-" + h;
                done.add(pool.submit(() -> {
                    publisher.get().publish(new StreamId(ckpt, host, host + "-run"),
                            new CapturedHost(image, System.currentTimeMillis(), true, 0, null));
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
    }

    private void awaitStored(Path storeDir, String ckpt, AggregatorService aggregator, int expectedHosts) throws Exception {
        FileSystemImageStore store = new FileSystemImageStore(storeDir);
        Path manifest = store.manifestFile(ckpt);
        Object seen = null;
        long lastReport = System.nanoTime();
        while (true) {
            if (aggregator.failure() != null) throw new IllegalStateException("aggregator failed: " + aggregator.failure().getMessage());
            // polled every millisecond, so parsed only when a new one was renamed into place
            Object version = aggregator.stats().imagesStored >= expectedHosts && Files.exists(manifest)
                    ? Files.readAttributes(manifest, java.nio.file.attribute.BasicFileAttributes.class).fileKey() : null;
            if (version != null && !version.equals(seen)) {
                seen = version;
                Optional<CheckpointManifest> m = store.readManifest(ckpt);
                if (m.isPresent() && m.get().status() == CheckpointStatus.STORED) return;
                if (m.isPresent() && m.get().status() == CheckpointStatus.FAILED) throw new IllegalStateException("checkpoint failed: " + m.get());
            }
            if (System.nanoTime() - lastReport > 1_000_000_000L) {
                progress("  " + aggregator.stats().imagesStored + "/" + expectedHosts + " images stored, "
                        + aggregator.stats().chunks + " chunks read");
                lastReport = System.nanoTime();
            }
            Thread.sleep(1);
        }
    }

    private void progress(String what) {
        PrintWriter err = spec.commandLine().getErr();
        err.printf("[%6.2fs] %s%n", (System.nanoTime() - t0) / 1e9, what);
        err.flush();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (Exception ignored) {
            // a temp directory left behind is harmless
        }
    }
}
