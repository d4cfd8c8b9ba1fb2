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
import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.StreamTotals;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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

@ExtendWith(EmbeddedKafkaExtension.class)
class HostStreamPublisherTest {
    private static final ChunkBudget BUDGET = new ChunkBudget(16 * 1024);
    private static final TopicNames TOPICS = TopicNames.withPrefix("pub.");

    @BeforeAll
    static void topics(@KafkaBootstrap String bootstrap) {
        try (Admin admin = Admin.create(KafkaClientConfig.of(bootstrap).admin())) {
            new TopicSetup(admin).ensureTopics(TOPICS, new TopicLayout(2, (short) 1, BUDGET), Duration.ofSeconds(30));
        }
    }

    @Test
    void hostStreamIsContiguousVerifiableAndUnderBudget(@KafkaBootstrap String bootstrap) throws Exception {
        CapturedHost host = SyntheticImages.host(12, 150);
        StreamId id = new StreamId("ck-contig", "h1", "run-1");
        PublishResult result;
        try (Producer<String, byte[]> p = new KafkaProducer<>(KafkaClientConfig.of(bootstrap).producer("t", BUDGET))) {
            result = publisher(p).publish(id, host);
        }
        List<TopicStreams.Received> got = TopicStreams.readStream(bootstrap, TOPICS.records(), "ck-contig");

        assertTrue(got.size() > 5, "a stream of 1800 fds under a 16 KiB budget takes several chunks: " + got.size());
        assertEquals(result.chunks() + 1, got.size());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SectionReader reader = new SectionReader(FormatOptions.DEFAULT);
        long fds = 0, tasks = 0, fdEvents = 0, records = 0;
        for (int i = 0; i < got.size(); i++) {
            RecordChunk c = got.get(i).chunk();
            assertEquals(i, c.getSequence(), "contiguous sequence numbers from 0");
            assertEquals("ck-contig", got.get(i).key());
            assertEquals("h1", c.getHostId());
            assertEquals("run-1", c.getAgentRunId());
            assertEquals(i == 0 ? ChunkKind.BEGIN : i == got.size() - 1 ? ChunkKind.END : ChunkKind.TASKS, c.getKind());
            byte[] payload = bytes(c.getPayload());
            CRC32C crc = new CRC32C();
            crc.update(payload);
            assertEquals(crc.getValue(), c.getCrc32c(), "CRC32C of chunk " + i);
            assertTrue(got.get(i).messageBytes() <= BUDGET.maxMessageBytes(), "message " + i + " within the limit");
            if (c.getKind() == ChunkKind.TASKS) assertTrue(payload.length <= BUDGET.payloadBytes(), "payload " + i + ": " + payload.length);
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

    @Test
    void aFailedSendEndsTheStreamWithAbort(@KafkaBootstrap String bootstrap) throws Exception {
        // a producer that refuses any message over 4000 bytes: BEGIN and ABORT fit, TASKS chunks do not
        Properties props = KafkaClientConfig.of(bootstrap).producer("t", BUDGET);
        props.put("max.request.size", "4000");
        StreamId id = new StreamId("ck-fail", "h2", "run-2");
        HostStreamException e;
        try (Producer<String, byte[]> p = new KafkaProducer<>(props)) {
            e = assertThrows(HostStreamException.class, () -> publisher(p).publish(id, SyntheticImages.host(6, 120)));
        }
        assertTrue(e.abortPublished());
        assertTrue(e.getMessage().contains("checkpoint ck-fail host h2"), e.getMessage());
        assertTrue(e.getMessage().contains("RecordTooLargeException"), e.getMessage());
        assertEquals(1, e.sequence(), "the first TASKS chunk is the one refused");

        List<TopicStreams.Received> got = TopicStreams.readStream(bootstrap, TOPICS.records(), "ck-fail");
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

    @Test
    void aMissingTopicIsAClearErrorEvenWhenAbortCannotBeSent(@KafkaBootstrap String bootstrap) {
        Properties props = KafkaClientConfig.of(bootstrap).producer("t", BUDGET);
        props.put("max.block.ms", "700");
        StreamId id = new StreamId("ck-none", "h3", "run-3");
        try (Producer<String, byte[]> p = new KafkaProducer<>(props)) {
            HostStreamPublisher pub = new HostStreamPublisher(p, "pub.no-such-topic", BUDGET, new MessageCodec(), FormatOptions.DEFAULT);
            HostStreamException e = assertThrows(HostStreamException.class, () -> pub.publish(id, SyntheticImages.host(1, 3)));
            assertFalse(e.abortPublished());
            assertEquals(0, e.sequence());
            assertTrue(e.getMessage().contains("pub.no-such-topic") || e.getMessage().contains("metadata"), e.getMessage());
        }
    }

    @Test
    void strictV13RefusesAPipeAndAborts(@KafkaBootstrap String bootstrap) throws Exception {
        StreamId id = new StreamId("ck-strict", "h4", "run-4");
        try (Producer<String, byte[]> p = new KafkaProducer<>(KafkaClientConfig.of(bootstrap).producer("t", BUDGET))) {
            HostStreamPublisher pub = new HostStreamPublisher(p, TOPICS.records(), BUDGET, new MessageCodec(), FormatOptions.STRICT_V13);
            HostStreamException e = assertThrows(HostStreamException.class, () -> pub.publish(id, SyntheticImages.host(1, 8)));
            assertTrue(e.abortPublished());
        }
        List<TopicStreams.Received> got = TopicStreams.readStream(bootstrap, TOPICS.records(), "ck-strict");
        assertEquals(ChunkKind.ABORT, got.get(got.size() - 1).chunk().getKind());
    }

    @Test
    void abortOnlyStream(@KafkaBootstrap String bootstrap) throws Exception {
        try (Producer<String, byte[]> p = new KafkaProducer<>(KafkaClientConfig.of(bootstrap).producer("t", BUDGET))) {
            assertTrue(publisher(p).publishAbortOnly(new StreamId("ck-abort", "h5", "run-5"), "freeze timed out for pid 42"));
        }
        List<TopicStreams.Received> got = TopicStreams.readStream(bootstrap, TOPICS.records(), "ck-abort");
        assertEquals(1, got.size());
        assertEquals(0, got.get(0).chunk().getSequence());
        assertEquals("freeze timed out for pid 42", got.get(0).chunk().getAbortReason());
    }

    private static HostStreamPublisher publisher(Producer<String, byte[]> p) {
        return new HostStreamPublisher(p, TOPICS.records(), BUDGET, new MessageCodec(), FormatOptions.DEFAULT);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
