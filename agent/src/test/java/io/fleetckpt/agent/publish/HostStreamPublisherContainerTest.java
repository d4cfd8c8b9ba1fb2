package io.fleetckpt.agent.publish;

import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.time.Duration;

/**
 * The publish scenarios against a Kafka container (the docker-compose broker's image). Skipped
 * where Docker is absent, as on the build machines here.
 */
@Testcontainers(disabledWithoutDocker = true)
class HostStreamPublisherContainerTest {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.4.0");

    private static final ChunkBudget BUDGET = new ChunkBudget(16 * 1024);

    @Test
    void publishScenariosAgainstAContainer() throws Exception {
        String bootstrap = KAFKA.getBootstrapServers();
        TopicNames topics = TopicNames.withPrefix("tc.");
        try (Admin admin = Admin.create(KafkaClientConfig.of(bootstrap).admin())) {
            new TopicSetup(admin).ensureTopics(topics, new TopicLayout(2, (short) 1, BUDGET), Duration.ofSeconds(60));
        }
        PublishScenarios.contiguousVerifiedStream(bootstrap, topics.records(), BUDGET, "tc-contig");
        PublishScenarios.failedSendAborts(bootstrap, topics.records(), BUDGET, "tc-fail");
    }
}
