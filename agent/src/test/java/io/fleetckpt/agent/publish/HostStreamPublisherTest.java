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
        PublishScenarios.contiguousVerifiedStream(bootstrap, TOPICS.records(), BUDGET, "ck-contig");
    }

    @Test
    void aFailedSendEndsTheStreamWithAbort(@KafkaBootstrap String bootstrap) throws Exception {
        PublishScenarios.failedSendAborts(bootstrap, TOPICS.records(), BUDGET, "ck-fail");
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
}
