package io.fleetckpt.aggregator;

import io.fleetckpt.aggregator.consume.AggregatorService;
import io.fleetckpt.aggregator.consume.AggregatorSettings;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.TopicSetup;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.FileSystemImageStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/** One scenario's topics, store and aggregator on a real broker (embedded or a container). */
final class PipelineHarness implements AutoCloseable {
    static final ChunkBudget BUDGET = new ChunkBudget(ChunkBudget.MIN_PAYLOAD);
    final String bootstrap;
    final KafkaClientConfig kafka;
    final TopicNames topics;
    final Path storeDir;
    final FileSystemImageStore store;
    final MessageCodec codec = new MessageCodec();
    private final KafkaProducer<byte[], byte[]> raw;
    private AggregatorService aggregator;

    PipelineHarness(String bootstrap, Path dir) throws Exception {
        this.bootstrap = bootstrap;
        this.kafka = KafkaClientConfig.of(bootstrap);
        this.topics = TopicNames.withPrefix("t" + UUID.randomUUID().toString().substring(0, 8) + ".");
        try (Admin admin = Admin.create(kafka.admin())) {
            new TopicSetup(admin).ensureTopics(topics, new TopicLayout(2, (short) 1, BUDGET), Duration.ofSeconds(60));
        }
        this.storeDir = Files.createDirectories(dir.resolve("store"));
        this.store = new FileSystemImageStore(storeDir);
        Properties p = kafka.producer("harness", BUDGET);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        this.raw = new KafkaProducer<>(p);
    }

    AggregatorService startAggregator() throws Exception {
        AggregatorSettings s = AggregatorSettings.defaults(kafka, topics, storeDir).withGroupId("agg-" + topics.records());
        s = new AggregatorSettings(s.kafka(), s.topics(), s.groupId(), s.storeDir(), BUDGET, s.limits(), s.format(),
                Duration.ofMillis(100), Duration.ofMillis(200));
        aggregator = new AggregatorService(s).start();
        return aggregator;
    }

    void request(String ckpt, long deadlineMs, List<HostSelection> hosts) throws Exception {
        CheckpointRequest r = CheckpointRequest.newBuilder().setCheckpointId(ckpt).setRequestedAtMs(System.currentTimeMillis())
                .setDeadlineMs(deadlineMs).setRequestedBy("test").setHosts(hosts)
                .setOptions(CheckpointOptions.newBuilder().build()).build();
        send(topics.control(), ckpt.getBytes(StandardCharsets.UTF_8), codec.encode(r));
    }

    static HostSelection host(String hostId, int... pids) {
        List<Integer> list = new ArrayList<>();
        for (int p : pids) list.add(p);
        return HostSelection.newBuilder().setHostId(hostId).setPids(list).build();
    }

    RecordMetadata send(String topic, byte[] key, byte[] value) throws Exception {
        return raw.send(new ProducerRecord<>(topic, key, value)).get();
    }

    /** The group's committed offset of a records partition, or -1. */
    long committed(String group, int partition) throws Exception {
        try (Admin admin = Admin.create(kafka.admin())) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topics.records(), partition));
            return o == null ? -1 : o.offset();
        }
    }

    /** Waits until the checkpoint's manifest is final; fails with what the aggregator saw. */
    CheckpointManifest awaitFinal(String ckpt, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (aggregator != null && aggregator.failure() != null) throw new AssertionError("aggregator failed", aggregator.failure());
            Optional<CheckpointManifest> m = store.readManifest(ckpt);
            if (m.isPresent() && m.get().status().isFinal()) return m.get();
            Thread.sleep(50);
        }
        throw new AssertionError("no final outcome for " + ckpt + ": " + store.readManifest(ckpt) + "; aggregator "
                + (aggregator == null ? "-" : aggregator.stats()));
    }

    /** Every message of a topic from the beginning (for the DLQ and the images topic). */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast, Duration timeout) {
        return readAll(topic, atLeast, timeout, Duration.ZERO);
    }

    /** As above, polling {@code settle} more after {@code atLeast} arrived, for what should not come. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast, Duration timeout, Duration settle) {
        Properties p = kafka.consumer(null, BUDGET);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long end = System.nanoTime() + timeout.toNanos();
            while (out.size() < atLeast && System.nanoTime() < end) c.poll(Duration.ofMillis(100)).forEach(out::add);
            long settled = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settled) c.poll(Duration.ofMillis(100)).forEach(out::add);
        }
        return out;
    }

    int partitionsOf(String topic) {
        Properties p = kafka.consumer(null, BUDGET);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            return c.partitionsFor(topic).size();
        }
    }

    @Override
    public void close() throws Exception {
        if (aggregator != null) aggregator.close();
        raw.close();
    }
}
