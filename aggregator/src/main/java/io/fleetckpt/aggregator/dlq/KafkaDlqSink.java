package io.fleetckpt.aggregator.dlq;

import io.fleetckpt.kafka.DeadLetters;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
    public static final String H_REPORTER = DeadLetters.H_REPORTER;
    public static final String H_TRUNCATED = DeadLetters.H_TRUNCATED;
    private static final int MAX_REASON = 4000;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    /** Kafka's per-record framing (lengths, attributes, timestamps), generously. */
    private static final int RECORD_OVERHEAD = 1024;

    private final String reporter;
    private final int maxRequestBytes;

    public KafkaDlqSink(Producer<byte[], byte[]> producer, String topic) {
        this(producer, topic, null, Integer.MAX_VALUE);
    }

    /**
     * @param reporter        who reports, e.g. {@code aggregator:<group>} (null: no header)
     * @param maxRequestBytes the producer's max.request.size: a value that would not fit beside
     *                        its key and headers is cut to fit (header {@code truncated} = the
     *                        original length) rather than losing the dead letter
     */
    public KafkaDlqSink(Producer<byte[], byte[]> producer, String topic, String reporter, int maxRequestBytes) {
        this.producer = producer;
        this.topic = topic;
        this.reporter = reporter;
        this.maxRequestBytes = maxRequestBytes;
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
        add(h, H_REPORTER, reporter);
        byte[] value = d.value();
        long room = (long) maxRequestBytes - RECORD_OVERHEAD - 64 - (d.key() == null ? 0 : d.key().length);
        for (Header x : h) room -= x.key().length() + x.value().length;
        if (value != null && value.length > room) {
            add(h, H_TRUNCATED, Integer.toString(value.length));
            value = Arrays.copyOf(value, (int) Math.max(0, room));
        }
        producer.send(new ProducerRecord<>(topic, null, d.key(), value, h), (md, e) -> {
            if (e != null) LOG.error("could not publish a dead letter ({}) to {}: {}", reason, topic, e.getMessage());
        });
    }

    private static void add(RecordHeaders h, String name, String value) {
        if (value != null) h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
