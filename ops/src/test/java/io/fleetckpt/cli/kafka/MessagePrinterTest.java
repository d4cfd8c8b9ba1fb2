package io.fleetckpt.cli.kafka;

import io.fleetckpt.kafka.DeadLetters;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.messages.codec.MessageDecodeException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessagePrinterTest {
    private static final byte[] GARBAGE = {1, 2, 3, 4, 5, 6, 7, 8};

    /** A message the aggregator dead-lettered because it did not decode: the reason holds the decode error. */
    private static ConsumerRecord<String, byte[]> undecodableDeadLetter(String reason) {
        RecordHeaders h = new RecordHeaders();
        h.add(DeadLetters.H_KIND, "UNDECODABLE".getBytes(StandardCharsets.UTF_8));
        h.add(DeadLetters.H_REASON, reason.getBytes(StandardCharsets.UTF_8));
        h.add(DeadLetters.H_SOURCE_TOPIC, "fleetckpt.records".getBytes(StandardCharsets.UTF_8));
        h.add(DeadLetters.H_SOURCE_PARTITION, "0".getBytes(StandardCharsets.UTF_8));
        h.add(DeadLetters.H_SOURCE_OFFSET, "7".getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("fleetckpt.dlq", 0, 3, 0L, TimestampType.CREATE_TIME, -1, GARBAGE.length, "k1", GARBAGE, h,
                Optional.empty());
    }

    private static String text(ConsumerRecord<String, byte[]> r) {
        StringWriter s = new StringWriter();
        new MessagePrinter(new PrintWriter(s), false).print(r);
        return s.toString();
    }

    @Test
    void aDeadLettersReasonIsPrintedOncePerLine() {
        String detail = assertThrows(MessageDecodeException.class, () -> new MessageCodec().decode(GARBAGE)).getMessage();
        String line = text(undecodableDeadLetter("not a RecordChunk (key \"k1\"): " + detail));
        assertEquals(1, line.split(java.util.regex.Pattern.quote(detail), -1).length - 1, line);
        assertTrue(line.strip().endsWith("] UNDECODABLE 8 bytes"), line);
    }

    @Test
    void aDecodeErrorTheReasonDoesNotHoldIsStillShown() {
        String detail = assertThrows(MessageDecodeException.class, () -> new MessageCodec().decode(GARBAGE)).getMessage();
        String line = text(undecodableDeadLetter("checkpoint \"c\" host \"h\": sequence 4 after 2"));
        assertTrue(line.strip().endsWith("UNDECODABLE 8 bytes: " + detail), line);
    }
}
