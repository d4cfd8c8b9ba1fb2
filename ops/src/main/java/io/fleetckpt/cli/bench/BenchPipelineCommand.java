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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
 * same topic, a plain consumer and a fresh aggregator each read the whole backlog: their MB/s
 * ratio says what reassembly, resolution and storing cost over just reading.
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

    @Option(names = "--data", paramLabel = "DIR", description = "work directory (default: a temp directory, deleted afterwards)")
    Path data;

    private long t0;

    @Override
    public Integer call() throws Exception {
        if (hosts < 1 || tasks < 1 || fds < 3) throw new CommandLine.ParameterException(spec.commandLine(), "need hosts >= 1, tasks >= 1, fds >= 3");
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

            // phase 2: a plain consumer reads the same topic from the beginning
            long[] plain = plainConsume(kafka, topics, budget);
            double plainS = plain[1] / 1e9;
            double plainCpuS = plain[2] / 1e9;
            double plainMbS = plain[0] / 1e6 / plainS;
            progress(String.format("plain consumer: %,d bytes in %.2f s = %.1f MB/s", plain[0], plainS, plainMbS));

            // phase 3: a fresh aggregator catches up on the same topic
            Path store2 = work.resolve("store-catchup");
            AggregatorService catchUp = new AggregatorService(AggregatorSettings.defaults(kafka, topics, store2).withGroupId("bench-catchup")).start();
            long cpuBefore = 0;
            while (catchUp.stats().firstChunkNanos == 0 && catchUp.failure() == null) {
                cpuBefore = processCpuNanos();
                Thread.sleep(1);
            }
            awaitStored(store2, ckpt, catchUp, hosts);
            double aggCpuS = (processCpuNanos() - cpuBefore) / 1e9;
            // from its first chunk, as the plain consumer is timed from its first record: group join is not reading
            double aggS = (System.nanoTime() - catchUp.stats().firstChunkNanos) / 1e9;
            long aggBytes = catchUp.stats().chunkBytes;
            catchUp.close();
            double aggMbS = aggBytes / 1e6 / aggS;
            progress(String.format("aggregator catch-up: %,d bytes in %.2f s = %.1f MB/s (%.2fx the plain consumer)",
                    aggBytes, aggS, aggMbS, aggMbS / plainMbS));

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("benchmark", "pipeline");
            r.put("hosts", hosts);
            r.put("tasks_per_host", tasks);
            r.put("fds_per_task", fds);
            r.put("fd_entries", fdEntries);
            r.put("partitions", partitions);
            r.put("records_bytes", plain[0]);
            r.put("publish_s", round(publishS));
            r.put("end_to_end_s", round(endToEnd));
            r.put("aggregator_mb_s", round(aggMbS));
            r.put("plain_consumer_mb_s", round(plainMbS));
            r.put("aggregator_vs_plain", round(aggMbS / plainMbS));
            // CPU of the whole process (broker included) over each timed span: less sensitive to
            // other load on the machine than the wall-clock rates
            r.put("plain_consumer_cpu_s", round(plainCpuS));
            r.put("aggregator_cpu_s", round(aggCpuS));
            r.put("peak_heap_mb", heap.peakBytes() >> 20);
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
        }
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
        long lastReport = System.nanoTime();
        while (true) {
            if (aggregator.failure() != null) throw new IllegalStateException("aggregator failed: " + aggregator.failure().getMessage());
            if (aggregator.stats().imagesStored >= expectedHosts) {
                Optional<CheckpointManifest> m = store.readManifest(ckpt);
                if (m.isPresent() && m.get().status() == CheckpointStatus.STORED) return;
                if (m.isPresent() && m.get().status() == CheckpointStatus.FAILED) throw new IllegalStateException("checkpoint failed: " + m.get());
            }
            if (System.nanoTime() - lastReport > 1_000_000_000L) {
                progress("  " + aggregator.stats().imagesStored + "/" + expectedHosts + " images stored, "
                        + aggregator.stats().chunks + " chunks read");
                lastReport = System.nanoTime();
            }
            Thread.sleep(5);
        }
    }

    /** CPU time of this process so far (every thread, the embedded broker's too). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** @return {bytes, nanos, process CPU nanos} for reading every record of the records topic (values not decoded) */
    private static long[] plainConsume(KafkaClientConfig kafka, TopicNames topics, ChunkBudget budget) {
        // the same client settings as the aggregator's records consumer: the baseline is the best a
        // reader of this topic that does nothing else achieves
        java.util.Properties p = kafka.backlogConsumer("bench-plain", budget);
        p.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        p.put("max.poll.records", "2000");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topics.records()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long bytes = 0;
            long t = 0;
            long cpu = 0;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (t == 0) {
                        t = System.nanoTime();
                        cpu = processCpuNanos();
                    }
                    bytes += r.value().length;
                }
            }
            return new long[] {bytes, System.nanoTime() - t, processCpuNanos() - cpu};
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

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (Exception ignored) {
            // a temp directory left behind is harmless
        }
    }
}
