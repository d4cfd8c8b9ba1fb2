package io.fleetckpt.aggregator.consume;

import io.fleetckpt.aggregator.storing.EventSink;
import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes outcome events to the (compacted) images topic: an image event keyed
 * {@code checkpointId/hostId} so compaction keeps every host, a checkpoint event keyed by the
 * checkpoint id. A failed send is remembered and reported by {@link #checkSent()}, which the
 * consumer calls before committing.
 */
final class KafkaEventSink implements EventSink {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final MessageCodec codec;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    KafkaEventSink(Producer<byte[], byte[]> producer, String topic, MessageCodec codec) {
        this.producer = producer;
        this.topic = topic;
        this.codec = codec;
    }

    @Override
    public void imageEvent(ImageEvent e) {
        send(e.getCheckpointId() + "/" + e.getHostId(), codec.encode(e));
    }

    @Override
    public void checkpointEvent(CheckpointEvent e) {
        send(e.getCheckpointId(), codec.encode(e));
    }

    private void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value), (md, ex) -> {
            if (ex != null) failure.compareAndSet(null, ex);
        });
    }

    /** Flushes and throws if any event could not be published since the last call. */
    void checkSent() {
        producer.flush();
        Exception e = failure.getAndSet(null);
        if (e != null) throw new IllegalStateException("could not publish an event to " + topic + ": " + e.getMessage(), e);
    }
}
