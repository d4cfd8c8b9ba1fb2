package io.fleetckpt.aggregator.dlq;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Publishes dead letters to the DLQ topic: key and value exactly as received (or re-encoded, see
 * the header), the reason and the source in headers named {@code fleetckpt.dlq.*}.
 */
public final class KafkaDlqSink implements DlqSink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaDlqSink.class);
    public static final String H_REASON = "fleetckpt.dlq.reason";
    public static final String H_KIND = "fleetckpt.dlq.kind";
    public static final String H_TOPIC = "fleetckpt.dlq.source.topic";
    public static final String H_PARTITION = "fleetckpt.dlq.source.partition";
    public static final String H_OFFSET = "fleetckpt.dlq.source.offset";
    public static final String H_CHECKPOINT = "fleetckpt.dlq.checkpoint";
    public static final String H_HOST = "fleetckpt.dlq.host";
    public static final String H_SEQUENCE = "fleetckpt.dlq.sequence";
    public static final String H_REENCODED = "fleetckpt.dlq.reencoded";
    private static final int MAX_REASON = 4000;

    private final Producer<byte[], byte[]> producer;
    private final String topic;

    public KafkaDlqSink(Producer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    @Override
    public void send(DeadLetter d) {
        RecordHeaders h = new RecordHeaders();
        String reason = d.reason().length() > MAX_REASON ? d.reason().substring(0, MAX_REASON) + "..." : d.reason();
        add(h, H_REASON, reason);
        add(h, H_KIND, d.kind());
        add(h, H_TOPIC, d.sourceTopic());
        add(h, H_PARTITION, Integer.toString(d.partition()));
        add(h, H_OFFSET, Long.toString(d.offset()));
        add(h, H_CHECKPOINT, d.checkpointId());
        add(h, H_HOST, d.hostId());
        add(h, H_SEQUENCE, d.sequence() == null ? null : d.sequence().toString());
        add(h, H_REENCODED, Boolean.toString(d.reencoded()));
        producer.send(new ProducerRecord<>(topic, null, d.key(), d.value(), h), (md, e) -> {
            if (e != null) LOG.error("could not publish a dead letter ({}) to {}: {}", reason, topic, e.getMessage());
        });
    }

    private static void add(RecordHeaders h, String name, String value) {
        if (value != null) h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
