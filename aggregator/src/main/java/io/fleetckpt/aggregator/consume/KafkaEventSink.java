package io.fleetckpt.aggregator.consume;

import io.fleetckpt.aggregator.storing.EventSink;
import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes outcome events to the (compacted) images topic: an image event keyed
 * {@code checkpointId/hostId} so compaction keeps every host (keyed by the bare checkpoint id,
 * compaction would keep only the last host's event), a checkpoint event keyed by the checkpoint
 * id. Every event of a checkpoint goes to the partition its checkpoint id hashes to, as if keyed
 * by it, so a reader sees a checkpoint's image events in order and before its checkpoint event.
 * A failed send is remembered and reported by {@link #checkSent()}, which the consumer calls
 * before committing.
 */
final class KafkaEventSink implements EventSink {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final MessageCodec codec;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private int partitions;

    KafkaEventSink(Producer<byte[], byte[]> producer, String topic, MessageCodec codec) {
        this.producer = producer;
        this.topic = topic;
        this.codec = codec;
    }

    @Override
    public void imageEvent(ImageEvent e) {
        send(e.getCheckpointId(), e.getCheckpointId() + "/" + e.getHostId(), codec.encode(e));
    }

    @Override
    public void checkpointEvent(CheckpointEvent e) {
        send(e.getCheckpointId(), e.getCheckpointId(), codec.encode(e));
    }

    private void send(String checkpointId, String key, byte[] value) {
        int partition = partitionOf(checkpointId.getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value), (md, ex) -> {
            if (ex != null) failure.compareAndSet(null, ex);
        });
    }

    /** The partition Kafka's default partitioner gives a record keyed {@code key}. */
    private int partitionOf(byte[] key) {
        if (partitions == 0) partitions = producer.partitionsFor(topic).size();
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** Flushes and throws if any event could not be published since the last call. */
    void checkSent() {
        producer.flush();
        Exception e = failure.getAndSet(null);
        if (e != null) throw new IllegalStateException("could not publish an event to " + topic + ": " + e.getMessage(), e);
    }
}
