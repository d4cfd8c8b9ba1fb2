package io.fleetckpt.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a message we could not process to the DLQ: the original key and value bytes unchanged,
 * and in headers where it came from and why, so that an operator (or {@code fleetckpt tail
 * --dlq}) can see the reason and replay or discard it.
 */
public final class DeadLetters {
    public static final String H_SOURCE_TOPIC = "fleetckpt.dlq.source.topic";
    public static final String H_SOURCE_PARTITION = "fleetckpt.dlq.source.partition";
    public static final String H_SOURCE_OFFSET = "fleetckpt.dlq.source.offset";
    /** A short machine-readable kind (the aggregator writes the same header), e.g. {@code TRUNCATED}, {@code INVALID_REQUEST}, {@code CRC_MISMATCH}. */
    public static final String H_KIND = "fleetckpt.dlq.kind";
    /** The human-readable reason, naming what is wrong and where. */
    public static final String H_REASON = "fleetckpt.dlq.reason";
    /** Who put it there: {@code agent:<host>}, {@code aggregator:<group>}. */
    public static final String H_REPORTER = "fleetckpt.dlq.reporter";
    /** Set when the value is only the first bytes of the original message: its length in bytes. */
    public static final String H_TRUNCATED = "fleetckpt.dlq.truncated";
    /** Set by the aggregator when the message could be attributed to a host stream. */
    public static final String H_CHECKPOINT = "fleetckpt.dlq.checkpoint";
    public static final String H_HOST = "fleetckpt.dlq.host";
    public static final String H_SEQUENCE = "fleetckpt.dlq.sequence";
    private static final int MAX_REASON_BYTES = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Producer<String, byte[]> producer;
    private final String dlqTopic;
    private final String reporter;

    public DeadLetters(Producer<String, byte[]> producer, String dlqTopic, String reporter) {
        this.producer = producer;
        this.dlqTopic = dlqTopic;
        this.reporter = reporter;
    }

    /**
     * Sends and waits for the acknowledgement, so the caller may commit the source offset.
     *
     * @return true if the DLQ has it; false is logged (the caller decides whether to go on)
     */
    public boolean send(ConsumerRecord<String, byte[]> source, String problem, String reason) {
        Headers h = new RecordHeaders();
        h.add(H_SOURCE_TOPIC, utf8(source.topic()));
        h.add(H_SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        h.add(H_SOURCE_OFFSET, utf8(Long.toString(source.offset())));
        h.add(H_KIND, utf8(problem));
        h.add(H_REASON, bounded(reason));
        h.add(H_REPORTER, utf8(reporter));
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(dlqTopic, null, source.key(), source.value(), h);
        try {
            producer.send(r).get(60, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("cannot send {}-{}@{} to the DLQ {}: {}", source.topic(), source.partition(), source.offset(), dlqTopic, e.toString());
            return false;
        }
    }

    /** A header value as text (null if absent). */
    public static String header(Headers headers, String key) {
        var h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bounded(String reason) {
        byte[] b = utf8(reason);
        if (b.length <= MAX_REASON_BYTES) return b;
        return utf8(new String(b, 0, MAX_REASON_BYTES, StandardCharsets.UTF_8) + "...");
    }
}
