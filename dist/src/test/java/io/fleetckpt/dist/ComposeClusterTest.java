package io.fleetckpt.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Starts the Kafka part of docker-compose.yml (three brokers and the topic setup) and checks the
 * topics the fleet will use. Needs a Docker engine; skipped cleanly where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeClusterTest {
    @Container
    static final ComposeContainer CLUSTER = new ComposeContainer(Repo.file("docker-compose.yml").toFile())
            .withServices("kafka-1", "kafka-2", "kafka-3", "kafka-setup")
            .waitingFor("kafka-setup", Wait.forLogMessage(".*fleetckpt\\.records.*\\n", 1))
            .withStartupTimeout(Duration.ofMinutes(5));

    @Test
    void topicsAreReplicatedThreeTimesWithMinIsrTwo() throws Exception {
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                "localhost:29092,localhost:39092,localhost:49092");
        List<String> topics = List.of("fleetckpt.control", "fleetckpt.records", "fleetckpt.images", "fleetckpt.dlq");
        try (Admin admin = Admin.create(conf)) {
            assertEquals(3, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            assertEquals(Set.copyOf(topics), described.keySet());
            described.values().forEach(d -> d.partitions().forEach(p -> assertEquals(3, p.replicas().size(), d.name())));
            ConfigResource images = new ConfigResource(ConfigResource.Type.TOPIC, "fleetckpt.images");
            ConfigResource records = new ConfigResource(ConfigResource.Type.TOPIC, "fleetckpt.records");
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(images, records)).all().get(30, TimeUnit.SECONDS);
            assertEquals("compact", configs.get(images).get("cleanup.policy").value());
            assertEquals("2", configs.get(records).get("min.insync.replicas").value());
        }
    }
}
