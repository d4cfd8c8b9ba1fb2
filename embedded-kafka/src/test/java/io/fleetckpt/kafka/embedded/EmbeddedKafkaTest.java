package io.fleetckpt.kafka.embedded;

import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedKafkaTest {

    @Test
    void producesAndConsumesInOrder(@KafkaBootstrap String bootstrap) throws Exception {
        String topic = "ek-roundtrip";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            awaitLeader(admin, new TopicPartition(topic, 0));
        }
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producerProps(bootstrap))) {
            for (int i = 0; i < 500; i++) p.send(new ProducerRecord<>(topic, "k", "v" + i)).get();
        }
        List<String> got = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(bootstrap))) {
            c.assign(List.of(new TopicPartition(topic, 0)));
            c.seekToBeginning(c.assignment());
            long end = System.currentTimeMillis() + 30_000;
            while (got.size() < 500 && System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) got.add(r.value());
            }
        }
        assertEquals(500, got.size());
        for (int i = 0; i < 500; i++) assertEquals("v" + i, got.get(i));
    }

    @Test
    void autoCreateIsOff(@KafkaBootstrap String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertFalse(names.contains("never-created"));
        }
        Properties p = producerProps(bootstrap);
        p.put("max.block.ms", "1500");
        try (KafkaProducer<String, String> prod = new KafkaProducer<>(p)) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> prod.send(new ProducerRecord<>("never-created", "k", "v")).get());
            assertTrue(e.toString().contains("not present in metadata") || e.toString().contains("Timeout"), e.toString());
        }
    }

    @Test
    void persistentDirectoryKeepsTopicsAcrossRestart(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("kafka");
        String first;
        assertFalse(EmbeddedKafka.lastRunEndedUncleanly(data), "never started");
        try (EmbeddedKafka k = EmbeddedKafka.start(data, Map.of())) {
            assertTrue(EmbeddedKafka.lastRunEndedUncleanly(data), "while it runs, the broker has not shut down cleanly yet");
            first = k.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", k.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("survivor", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }
        assertTrue(Files.exists(data.resolve("data/meta.properties")), "data dir kept after close");
        assertFalse(EmbeddedKafka.lastRunEndedUncleanly(data), "closed cleanly");
        try (EmbeddedKafka k = EmbeddedKafka.start(data, Map.of())) {
            assertNotEquals("", k.bootstrapServers());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", k.bootstrapServers()))) {
                assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("survivor"),
                        "topic survives a restart (first run at " + first + ")");
            }
        }
    }

    @Test
    void ephemeralDirectoryIsDeletedOnClose() {
        Path dir;
        try (EmbeddedKafka k = EmbeddedKafka.startEphemeral()) {
            dir = k.dataDir();
            assertTrue(Files.isDirectory(dir));
        }
        assertFalse(Files.exists(dir));
    }

    private static void awaitLeader(Admin admin, TopicPartition tp) throws Exception {
        long end = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.currentTimeMillis() > end) throw e;
                Thread.sleep(50);
            }
        }
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("acks", "all");
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        return p;
    }
}
