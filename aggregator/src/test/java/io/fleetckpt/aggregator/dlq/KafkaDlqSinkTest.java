package io.fleetckpt.aggregator.dlq;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaDlqSinkTest {
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    private static DeadLetter letter(byte[] value) {
        return new DeadLetter("records", 2, 40, "ck".getBytes(StandardCharsets.UTF_8), value, "why", "TOO_LARGE", null, null, null, false);
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void anOversizedValueIsCutNotLostAndTheReporterIsNamed() {
        KafkaDlqSink sink = new KafkaDlqSink(producer, "dlq", "aggregator:g1", 4000);
        byte[] small = new byte[2000];
        byte[] big = new byte[5000];
        Arrays.fill(big, (byte) 7);
        sink.send(letter(small));
        sink.send(letter(big));

        ProducerRecord<byte[], byte[]> kept = producer.history().get(0);
        assertArrayEquals(small, kept.value());
        assertNull(header(kept, KafkaDlqSink.H_TRUNCATED));
        assertEquals("aggregator:g1", header(kept, KafkaDlqSink.H_REPORTER));

        ProducerRecord<byte[], byte[]> cut = producer.history().get(1);
        // what is left of 4000 bytes beside the key, the headers and the record framing
        assertTrue(cut.value().length > 2000 && cut.value().length < 3000, "cut to " + cut.value().length);
        assertArrayEquals(Arrays.copyOf(big, cut.value().length), cut.value());
        assertEquals("5000", header(cut, KafkaDlqSink.H_TRUNCATED));
        assertEquals("40", header(cut, KafkaDlqSink.H_OFFSET));
        assertEquals("why", header(cut, KafkaDlqSink.H_REASON));
    }
}
