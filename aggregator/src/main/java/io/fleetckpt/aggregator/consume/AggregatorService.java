package io.fleetckpt.aggregator.consume;

import io.fleetckpt.aggregator.AggregatorCore;
import io.fleetckpt.aggregator.AggregatorStats;
import io.fleetckpt.aggregator.dlq.DlqSink;
import io.fleetckpt.aggregator.dlq.KafkaDlqSink;
import io.fleetckpt.aggregator.metered.MeteredDlqSink;
import io.fleetckpt.aggregator.metered.MeteredEventSink;
import io.fleetckpt.aggregator.storing.EventSink;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.metrics.ConsumerLag;
import io.fleetckpt.metrics.FleetMetrics;
import io.fleetckpt.store.FileSystemImageStore;
import io.fleetckpt.store.ImageStore;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The aggregator's Kafka shell: a consumer-group member on the records topic, a reader of the
 * whole control topic (requests and their deadlines), and a producer for events and dead
 * letters, around {@link AggregatorCore}. One thread.
 *
 * <p>Commit rule: after the core's manifests are durable and the events acknowledged, each
 * partition commits {@code min(first offset of a stream still assembling, position)}. A crash at
 * any point therefore re-delivers every chunk of every unfinished stream; finished ones are
 * recognised from their manifests. On assignment each partition is sought back to its committed
 * offset, since the state built from it was dropped on revocation.
 */
public final class AggregatorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AggregatorService.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration SHORT_POLL = Duration.ofMillis(10);
    /** Once caught up, flushes follow each other at least this far apart (manifests are rewritten whole). */
    private static final Duration IDLE_FLUSH_GAP = Duration.ofMillis(20);
    /**
     * Encoding, hashing and fsync of images overlap with reassembly; fsyncs of different files
     * overlap too, and the file system commits concurrent fsyncs together (100 x 1 MB write +
     * fsync on ext4: 104-147 ms on 1 thread, 71-81 ms on 3, 52-60 ms on 8). More threads than
     * cores, then, since a thread waiting on its fsync uses no CPU.
     */
    private static final int STORE_THREADS = 6;
    /** Records between polls of the control topic within one batch (a few MB of chunks). */
    private static final int CONTROL_POLL_EVERY = 16;
    /** Bounds the memory of images in flight (stream plus image, a few MB each for large hosts). */
    private static final int MAX_PENDING_IMAGES = 16;

    private final AggregatorSettings settings;
    private final ImageStore store;
    private final KafkaConsumer<byte[], byte[]> records;
    private final KafkaConsumer<byte[], byte[]> control;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaEventSink events;
    private final AggregatorCore core;
    private final ExecutorService storePool;
    private final List<TopicPartition> assigned = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile boolean crash;
    private volatile boolean started;
    private volatile long lastPollMs;
    private volatile int openStreams;
    private Thread thread;
    private long lastCommitNanos = System.nanoTime();
    private int recordsPartitions = -1;

    public AggregatorService(AggregatorSettings settings) throws IOException {
        this(settings, null);
    }

    /**
     * As above, counting stored images, failed checkpoints and dead letters in {@code metrics}
     * and feeding its streams-in-flight and consumer-lag gauges (null: not counted).
     */
    public AggregatorService(AggregatorSettings settings, FleetMetrics metrics) throws IOException {
        this.settings = settings;
        this.store = new FileSystemImageStore(settings.storeDir());
        MessageCodec codec = new MessageCodec(settings.budget().maxAcceptedMessageBytes());
        this.records = new KafkaConsumer<>(bytesConsumer(settings.groupId()));
        this.control = new KafkaConsumer<>(bytesConsumer(null));
        Properties pp = settings.kafka().producer("fleetckpt-aggregator", settings.budget());
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(pp);
        this.events = new KafkaEventSink(producer, settings.topics().images(), codec);
        this.storePool = Executors.newFixedThreadPool(STORE_THREADS, r -> {
            Thread t = new Thread(r, "fleetckpt-aggregator-store");
            t.setDaemon(true);
            return t;
        });
        EventSink eventSink = events;
        DlqSink dlq = new KafkaDlqSink(producer, settings.topics().dlq(), "aggregator:" + settings.groupId(),
                settings.budget().maxMessageBytes());
        if (metrics != null) {
            eventSink = new MeteredEventSink(events, metrics);
            dlq = new MeteredDlqSink(dlq, metrics);
            // the consumer's metric map is a live view: taken once here, read by the scrape thread
            Map<MetricName, ? extends Metric> recordsMetrics = records.metrics();
            metrics.bindConsumerLag(ConsumerLag.of(() -> recordsMetrics));
            metrics.bindStreamsInFlight(() -> openStreams);
        }
        this.core = new AggregatorCore(store, eventSink, dlq,
                settings.topics().records(), settings.topics().control(), settings.limits(), settings.format(), codec,
                System::currentTimeMillis, storePool, MAX_PENDING_IMAGES);
    }

    private Properties bytesConsumer(String group) {
        Properties p = settings.kafka().backlogConsumer(group, settings.budget());
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("max.poll.records", "2000");
        return p;
    }

    /** Runs the loop on a new thread. */
    public AggregatorService start() {
        thread = new Thread(this::run, "fleetckpt-aggregator");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Runs the loop on the calling thread until {@link #close()}. */
    public void run() {
        started = true;
        try {
            if (core.announceLeftovers() > 0) {
                events.checkSent();
                core.eventsDelivered();
            }
            subscribe();
            while (running) {
                pollControl();
                ConsumerRecords<byte[], byte[]> batch;
                try {
                    // with work to make durable, come back soon to flush it once the backlog is read
                    batch = records.poll(core.imagesInFlight() > 0 || core.hasUnflushed() ? SHORT_POLL : POLL);
                } catch (WakeupException e) {
                    if (running) throw e;
                    break;
                }
                lastPollMs = System.currentTimeMillis();
                int n = 0;
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    core.onRecord(r.partition(), r.offset(), r.key(), r.value());
                    // a backlog batch takes a while, and the control consumer's round trips (offsets,
                    // fetch) advance only when it is polled: a checkpoint cannot complete before
                    // its request is read
                    if (++n % CONTROL_POLL_EVERY == 0) pollControl();
                }
                openStreams = core.openStreams();
                boolean caughtUp = caughtUp();
                if (caughtUp) core.expireOverdue(System.currentTimeMillis() - settings.deadlineGrace().toMillis(), this::owns);
                // durability is batched: one flush (images, manifests, events) then one commit per
                // interval; once the backlog is read there is no batch left to wait for, so what
                // was stored is made durable (and its checkpoint visible) right away
                long sinceCommit = System.nanoTime() - lastCommitNanos;
                // while reading a backlog only the images the store pool has finished are taken:
                // the rest keep running while this thread reads on, and commits stay behind them;
                // once caught up there is nothing to read meanwhile, so the flush waits for the
                // images in flight and makes them durable now rather than one flush later
                if ((caughtUp && core.hasUnflushed() && sinceCommit > IDLE_FLUSH_GAP.toNanos())
                        || sinceCommit > settings.commitInterval().toNanos()) {
                    flushAndCommit(caughtUp);
                }
            }
            if (!crash) flushAndCommit();
        } catch (WakeupException e) {
            if (running) failure.set(e);
        } catch (Throwable t) {
            LOG.error("aggregator stopped: {}", t.toString(), t);
            failure.set(t);
        } finally {
            closeClients();
            stopped.countDown();
        }
    }

    private void subscribe() {
        List<TopicPartition> ctl = new ArrayList<>();
        for (PartitionInfo p : control.partitionsFor(settings.topics().control())) {
            ctl.add(new TopicPartition(p.topic(), p.partition()));
        }
        control.assign(ctl);
        control.seekToBeginning(ctl);
        records.subscribe(List.of(settings.topics().records()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                if (!crash) {
                    try {
                        flushAndCommit();
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot flush before giving up partitions: " + e.getMessage(), e);
                    }
                }
                for (TopicPartition tp : parts) core.revoke(tp.partition());
                assigned.removeAll(parts);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                Map<TopicPartition, OffsetAndMetadata> committed = records.committed(new java.util.HashSet<>(parts));
                for (TopicPartition tp : parts) {
                    OffsetAndMetadata o = committed.get(tp);
                    if (o != null) records.seek(tp, o.offset());
                    else records.seekToBeginning(List.of(tp));
                    core.revoke(tp.partition()); // start from clean state whatever was there
                }
                assigned.addAll(parts);
                core.stats().assignedNanos = System.nanoTime();
                LOG.info("assigned {}", parts);
            }
        });
    }

    private void pollControl() throws IOException {
        for (ConsumerRecord<byte[], byte[]> r : control.poll(Duration.ZERO)) {
            core.onControl(r.partition(), r.offset(), r.key(), r.value());
        }
    }

    private boolean caughtUp() {
        for (TopicPartition tp : assigned) {
            OptionalLong lag = records.currentLag(tp);
            if (lag.isEmpty() || lag.getAsLong() > 0) return false;
        }
        for (TopicPartition tp : control.assignment()) {
            OptionalLong lag = control.currentLag(tp);
            if (lag.isEmpty() || lag.getAsLong() > 0) return false;
        }
        return !assigned.isEmpty();
    }

    /** Whether the checkpoint's records partition (the default partitioner's choice) is ours. */
    private boolean owns(String checkpointId) {
        if (recordsPartitions < 0) recordsPartitions = records.partitionsFor(settings.topics().records()).size();
        int p = Utils.toPositive(Utils.murmur2(checkpointId.getBytes(StandardCharsets.UTF_8))) % recordsPartitions;
        for (TopicPartition tp : assigned) if (tp.partition() == p) return true;
        return false;
    }

    private void flushAndCommit() throws IOException {
        flushAndCommit(true);
    }

    /** @param waitForImages wait for every image in the store pool, or take only the finished ones */
    private void flushAndCommit(boolean waitForImages) throws IOException {
        core.flush(waitForImages);
        events.checkSent();
        core.eventsDelivered();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : assigned) {
            long safe = core.safeOffset(tp.partition(), records.position(tp));
            offsets.put(tp, new OffsetAndMetadata(safe));
        }
        if (!offsets.isEmpty()) records.commitSync(offsets);
        lastCommitNanos = System.nanoTime();
    }

    /** When the loop last returned from a poll of the records topic (epoch ms), 0 before the first. */
    public long lastPollMs() {
        return lastPollMs;
    }

    public AggregatorStats stats() {
        return core.stats();
    }

    public ImageStore store() {
        return store;
    }

    /** The failure that stopped the loop, if any. */
    public Throwable failure() {
        return failure.get();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Stops as if the process died: no flush, no commit. What was stored stays stored; what was
     * staged is lost, exactly as after a kill. For tests of crash recovery.
     */
    public void crash() throws InterruptedException {
        crash = true;
        close();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (!started) {
            closeClients();
            return;
        }
        records.wakeup();
        // whoever runs the loop (our thread or the caller's) commits on its way out: wait for it
        if (thread == null || thread != Thread.currentThread()) stopped.await(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void closeClients() {
        Duration t = Duration.ofSeconds(5);
        try {
            records.close(t);
        } catch (RuntimeException e) {
            LOG.debug("closing the records consumer: {}", e.toString());
        }
        control.close(t);
        producer.close(t);
        storePool.shutdownNow();
    }
}
