package io.fleetckpt.agent.publish;

import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageEvent;
import io.fleetckpt.format.section.SectionKind;
import io.fleetckpt.format.section.SectionReader;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.TopicSetup;
import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.StreamTotals;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publish scenarios run against any broker: the embedded one, or a Kafka container. */
final class PublishScenarios {
    private PublishScenarios() {
    }

    /** Publishes 12 tasks x 150 fds and checks everything the aggregator relies on. */
    static void contiguousVerifiedStream(String bootstrap, String topic, ChunkBudget budget, String ckpt) throws Exception {
        CapturedHost host = SyntheticImages.host(12, 150);
        StreamId id = new StreamId(ckpt, "h1", "run-1");
        PublishResult result;
        try (Producer<String, byte[]> p = new KafkaProducer<>(KafkaClientConfig.of(bootstrap).producer("t", budget))) {
            result = new HostStreamPublisher(p, topic, budget, new MessageCodec(), FormatOptions.DEFAULT).publish(id, host);
        }
        List<TopicStreams.Received> got = TopicStreams.readStream(bootstrap, topic, ckpt);

        assertTrue(got.size() > 5, "a stream of 1800 fds under a 16 KiB budget takes several chunks: " + got.size());
        assertEquals(result.chunks() + 1, got.size());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SectionReader reader = new SectionReader(FormatOptions.DEFAULT);
        long fds = 0, tasks = 0, fdEvents = 0, records = 0;
        for (int i = 0; i < got.size(); i++) {
            RecordChunk c = got.get(i).chunk();
            assertEquals(i, c.getSequence(), "contiguous sequence numbers from 0");
            assertEquals(ckpt, got.get(i).key());
            assertEquals("h1", c.getHostId());
            assertEquals("run-1", c.getAgentRunId());
            assertEquals(i == 0 ? ChunkKind.BEGIN : i == got.size() - 1 ? ChunkKind.END : ChunkKind.TASKS, c.getKind());
            byte[] payload = bytes(c.getPayload());
            CRC32C crc = new CRC32C();
            crc.update(payload);
            assertEquals(crc.getValue(), c.getCrc32c(), "CRC32C of chunk " + i);
            assertTrue(got.get(i).messageBytes() <= budget.maxMessageBytes(), "message " + i + " within the limit");
            if (c.getKind() == ChunkKind.TASKS) assertTrue(payload.length <= budget.payloadBytes(), "payload " + i + ": " + payload.length);
            if (c.getKind() != ChunkKind.END) {
                sha.update(payload);
                fds += c.getFdCount();
                tasks += c.getTaskCount();
                records += c.getRecordCount();
            }
            reader.feed(SectionKind.valueOf(c.getKind().name()), payload);
            for (ImageEvent ev = reader.next(); ev != null; ev = reader.next()) if (ev == ImageEvent.FD) fdEvents++;
        }
        assertTrue(reader.complete(), "the payloads decode as one complete host stream");
        StreamTotals totals = got.get(got.size() - 1).chunk().getTotals();
        assertNotNull(totals);
        assertEquals(HexFormat.of().formatHex(sha.digest()), totals.getSha256());
        assertEquals(result.sha256(), totals.getSha256());
        assertEquals(12 * 150, totals.getFds());
        assertEquals(12 * 150, fds);
        assertEquals(12 * 150, fdEvents);
        assertEquals(12, totals.getTasks());
        assertEquals(12, tasks);
        assertEquals(records, totals.getRecords());
        assertEquals(got.size() - 1, totals.getChunks());
        assertEquals(host.image().openFiles().size(), totals.getOpenFiles());
        assertEquals(1500, totals.getFrozenWindowUs());
        assertTrue(totals.getFrozen());
        assertEquals(1_764_720_000_123L, totals.getCapturedAtMs());
    }

    /** A producer refusing messages over 4000 bytes: BEGIN and ABORT fit, TASKS chunks do not. */
    static void failedSendAborts(String bootstrap, String topic, ChunkBudget budget, String ckpt) throws Exception {
        // a producer that refuses any message over 4000 bytes: BEGIN and ABORT fit, TASKS chunks do not
        Properties props = KafkaClientConfig.of(bootstrap).producer("t", budget);
        props.put("max.request.size", "4000");
        StreamId id = new StreamId(ckpt, "h2", "run-2");
        HostStreamException e;
        try (Producer<String, byte[]> p = new KafkaProducer<>(props)) {
            e = assertThrows(HostStreamException.class, () -> new HostStreamPublisher(p, topic, budget, new MessageCodec(), FormatOptions.DEFAULT).publish(id, SyntheticImages.host(6, 120)));
        }
        assertTrue(e.abortPublished());
        assertTrue(e.getMessage().contains("checkpoint " + ckpt + " host h2"), e.getMessage());
        assertTrue(e.getMessage().contains("RecordTooLargeException"), e.getMessage());
        assertEquals(1, e.sequence(), "the first TASKS chunk is the one refused");

        List<TopicStreams.Received> got = TopicStreams.readStream(bootstrap, topic, ckpt);
        assertEquals(ChunkKind.BEGIN, got.get(0).chunk().getKind());
        RecordChunk last = got.get(got.size() - 1).chunk();
        assertEquals(ChunkKind.ABORT, last.getKind());
        assertTrue(last.getAbortReason().contains("RecordTooLargeException"), last.getAbortReason());
        assertEquals(0, last.getPayload().remaining());
        assertFalse(got.stream().anyMatch(r -> r.chunk().getKind() == ChunkKind.END), "never END after a failure");
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i).chunk().getSequence() > got.get(i - 1).chunk().getSequence(), "increasing");
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
