package io.fleetckpt.kafka;

import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(EmbeddedKafkaExtension.class)
class TopicSetupTest {

    @Test
    void createsAllTopicsWithLeadersAndConfigs(@KafkaBootstrap String bootstrap) throws Exception {
        TopicNames names = TopicNames.withPrefix("ts1.");
        TopicLayout layout = new TopicLayout(3, (short) 1, new ChunkBudget(128 * 1024));
        try (Admin admin = Admin.create(KafkaClientConfig.of(bootstrap).admin())) {
            List<String> created = new TopicSetup(admin).ensureTopics(names, layout, Duration.ofSeconds(30));
            assertEquals(names.all(), created);
            Map<String, TopicDescription> d = admin.describeTopics(names.all()).allTopicNames().get(30, TimeUnit.SECONDS);
            assertEquals(3, d.get("ts1.fleetckpt.records").partitions().size());
            assertEquals(3, d.get("ts1.fleetckpt.images").partitions().size());
            assertEquals(1, d.get("ts1.fleetckpt.control").partitions().size());
            d.values().forEach(td -> td.partitions().forEach(p -> assertTrue(p.leader() != null && !p.leader().isEmpty(),
                    td.name() + "-" + p.partition() + " has a leader")));
            ConfigResource images = new ConfigResource(ConfigResource.Type.TOPIC, names.images());
            ConfigResource records = new ConfigResource(ConfigResource.Type.TOPIC, names.records());
            Map<ConfigResource, Config> cfg = admin.describeConfigs(List.of(images, records)).all().get(30, TimeUnit.SECONDS);
            assertEquals("compact", cfg.get(images).get("cleanup.policy").value());
            assertEquals("delete", cfg.get(records).get("cleanup.policy").value());
            assertEquals(Integer.toString(4 * 128 * 1024 + 64 * 1024), cfg.get(records).get("max.message.bytes").value());

            // second run: nothing to create, still ready, nothing differs
            assertEquals(List.of(), new TopicSetup(admin).ensureTopics(names, layout, Duration.ofSeconds(30)));
            assertEquals(List.of(), new TopicSetup(admin).differences(names, layout, Duration.ofSeconds(30)));

            // what another layout would have made differently is named, topic by topic
            TopicLayout other = new TopicLayout(5, (short) 1, new ChunkBudget(256 * 1024));
            List<String> diffs = new TopicSetup(admin).differences(names, other, Duration.ofSeconds(30)).stream().map(Object::toString).toList();
            String max = Integer.toString(4 * 128 * 1024 + 64 * 1024);
            String wantedMax = Integer.toString(4 * 256 * 1024 + 64 * 1024);
            assertEquals(List.of(
                    "ts1.fleetckpt.control: max.message.bytes is " + max + ", not at least " + wantedMax + " (--chunk-bytes)",
                    "ts1.fleetckpt.records: partitions is 3, not 5",
                    "ts1.fleetckpt.records: max.message.bytes is " + max + ", not at least " + wantedMax + " (--chunk-bytes)",
                    "ts1.fleetckpt.images: partitions is 3, not 5",
                    "ts1.fleetckpt.images: max.message.bytes is " + max + ", not at least " + wantedMax + " (--chunk-bytes)",
                    "ts1.fleetckpt.dlq: max.message.bytes is " + max + ", not at least " + wantedMax + " (--chunk-bytes)"), diffs);
            // a smaller budget fits in the larger limit: no difference
            assertEquals(List.of(), new TopicSetup(admin).differences(names, new TopicLayout(3, (short) 1, new ChunkBudget(ChunkBudget.MIN_PAYLOAD)), Duration.ofSeconds(30)));
        }
    }

    @Test
    void waitingForATopicThatDoesNotExistTimesOutWithItsName(@KafkaBootstrap String bootstrap) {
        try (Admin admin = Admin.create(KafkaClientConfig.of(bootstrap).admin())) {
            TopicSetupException e = assertThrows(TopicSetupException.class,
                    () -> new TopicSetup(admin).awaitReady(List.of("ts2.missing"), Duration.ofMillis(800)));
            assertTrue(e.getMessage().contains("ts2.missing"), e.getMessage());
        }
    }

    @Test
    void requireTopicsNamesTheMissingOnesAtOnce(@KafkaBootstrap String bootstrap) {
        try (Admin admin = Admin.create(KafkaClientConfig.of(bootstrap).admin())) {
            TopicSetupException e = assertThrows(TopicSetupException.class,
                    () -> new TopicSetup(admin).requireTopics(List.of("ts4.a", "ts4.b"), Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("[ts4.a, ts4.b] do not exist"), e.getMessage());
        }
    }

    @Test
    void replicationFactorAboveBrokerCountIsAClearError(@KafkaBootstrap String bootstrap) {
        TopicLayout layout = new TopicLayout(1, (short) 3, ChunkBudget.DEFAULT);
        try (Admin admin = Admin.create(KafkaClientConfig.of(bootstrap).admin())) {
            TopicSetupException e = assertThrows(TopicSetupException.class,
                    () -> new TopicSetup(admin).ensureTopics(TopicNames.withPrefix("ts3."), layout, Duration.ofSeconds(20)));
            assertTrue(e.getMessage().contains("ts3.fleetckpt.control"), e.getMessage());
        }
    }
}
