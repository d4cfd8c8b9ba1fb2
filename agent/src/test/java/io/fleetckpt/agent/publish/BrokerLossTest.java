package io.fleetckpt.agent.publish;

import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.TopicSetup;
import io.fleetckpt.kafka.embedded.EmbeddedKafka;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker goes away between two checkpoints: the second fails with a clear error, not a hang. */
class BrokerLossTest {
    private static final ChunkBudget BUDGET = new ChunkBudget(16 * 1024);

    @Test
    void aLostBrokerFailsTheStreamWithinTheDeliveryTimeout() throws Exception {
        TopicNames topics = TopicNames.withPrefix("loss.");
        EmbeddedKafka broker = EmbeddedKafka.startEphemeral();
        try {
            KafkaClientConfig cfg = KafkaClientConfig.of(broker.bootstrapServers());
            try (Admin admin = Admin.create(cfg.admin())) {
                new TopicSetup(admin).ensureTopics(topics, new TopicLayout(1, (short) 1, BUDGET), Duration.ofSeconds(30));
            }
            Properties props = cfg.producer("loss", BUDGET);
            props.put("delivery.timeout.ms", "2500");
            props.put("request.timeout.ms", "1000");
            props.put("linger.ms", "0");
            props.put("max.block.ms", "1500");
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(props)) {
                HostStreamPublisher pub = new HostStreamPublisher(p, topics.records(), BUDGET, new MessageCodec(), FormatOptions.DEFAULT);
                PublishResult first = pub.publish(new StreamId("ck-before", "h", "r"), SyntheticImages.host(2, 20));
                assertEquals(40, first.fds());

                broker.close();
                HostStreamException e = assertThrows(HostStreamException.class,
                        () -> pub.publish(new StreamId("ck-after", "h", "r"), SyntheticImages.host(2, 20)));
                assertFalse(e.abortPublished(), "no broker, no ABORT either");
                assertTrue(e.getMessage().startsWith("checkpoint ck-after host h: "), e.getMessage());
                assertTrue(e.getMessage().contains("Timeout") || e.getMessage().contains("timed out") || e.getMessage().contains("expired"),
                        e.getMessage());
            }
        } finally {
            broker.close();
        }
    }
}
