package io.fleetckpt.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaClientConfigTest {

    @Test
    void laterSourcesWinAndSettingsPassThrough(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\nsecurity.protocol=SSL\nssl.truststore.password=secret\nlinger.ms=50\n");
        Map<String, String> env = Map.of(
                "FLEETCKPT_CLIENT_PROPERTIES", file.toString(),
                "FLEETCKPT_KAFKA_SASL_MECHANISM", "PLAIN",
                "FLEETCKPT_BOOTSTRAP_SERVERS", "env:9092");
        KafkaClientConfig c = KafkaClientConfig.resolve(null, null, env);
        assertEquals("env:9092", c.bootstrapServers());
        Properties prod = c.producer("agent-h1", ChunkBudget.DEFAULT);
        assertEquals("SSL", prod.get("security.protocol"));
        assertEquals("PLAIN", prod.get("sasl.mechanism"));
        assertEquals("50", prod.get("linger.ms"), "the site's file overrides our default");
        assertEquals("all", prod.get("acks"));
        assertEquals("true", prod.get("enable.idempotence"));
        assertEquals(Integer.toString(ChunkBudget.DEFAULT.maxMessageBytes()), prod.get("max.request.size"));
        assertFalse(c.toString().contains("secret"), "passwords are never printed");
        assertEquals("agent-h1", prod.get("client.id"), "ours when the site sets none");
        Properties siteId = c.with("client.id", "team-a-ckpt").producer("agent-h1", ChunkBudget.DEFAULT);
        assertEquals("team-a-ckpt", siteId.get("client.id"), "a client.id from the properties file passes through");

        assertEquals("cli:1", KafkaClientConfig.resolve("cli:1", file, env).bootstrapServers());
        Properties cons = c.consumer("g", ChunkBudget.DEFAULT);
        assertEquals("g", cons.get("group.id"));
        assertEquals("false", cons.get("enable.auto.commit"));
    }

    @Test
    void settingsCorrectnessRestsOnAreRefusedNamingTheSetting(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=h:1\nacks=1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.resolve(null, file, Map.of()));
        assertTrue(e.getMessage().startsWith("Kafka client setting acks=1 is refused: fleetckpt needs acks=all"), e.getMessage());
        assertTrue(e.getMessage().contains("FLEETCKPT_KAFKA_ACKS"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> KafkaClientConfig.resolve("h:1", null, Map.of("FLEETCKPT_KAFKA_ENABLE_AUTO_COMMIT", "true")));
        assertTrue(e.getMessage().startsWith("Kafka client setting enable.auto.commit=true is refused"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.of("h:1").with("enable.idempotence", "false"));
        assertTrue(e.getMessage().contains("enable.idempotence=false is refused"), e.getMessage());
        // the values we use ourselves, in any spelling Kafka accepts, are fine
        assertEquals("-1", KafkaClientConfig.of("h:1").with("acks", "-1").producer("p", ChunkBudget.DEFAULT).get("acks"));
        assertEquals("TRUE", KafkaClientConfig.of("h:1").with("enable.idempotence", "TRUE").producer("p", ChunkBudget.DEFAULT).get("enable.idempotence"));

        KafkaClientConfig small = KafkaClientConfig.of("h:1").with("max.request.size", "1000");
        e = assertThrows(IllegalArgumentException.class, () -> small.producer("p", ChunkBudget.DEFAULT));
        assertTrue(e.getMessage().contains("max.request.size=1000 is below the chunk budget's " + ChunkBudget.DEFAULT.maxMessageBytes()), e.getMessage());
        String larger = Integer.toString(ChunkBudget.DEFAULT.maxMessageBytes() * 2);
        assertEquals(larger, KafkaClientConfig.of("h:1").with("max.request.size", larger).producer("p", ChunkBudget.DEFAULT).get("max.request.size"));
        e = assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.of("h:1").with("max.request.size", "lots"));
        assertTrue(e.getMessage().contains("max.request.size=lots is not an integer"), e.getMessage());
    }

    @Test
    void staticMembershipIsGivenToGroupConsumersOnly() {
        KafkaClientConfig c = KafkaClientConfig.of("h:1").withStaticMembership("fleetckpt-local").with("client.rack", "r1");
        assertEquals("fleetckpt-local", c.consumer("g", ChunkBudget.DEFAULT).get("group.instance.id"));
        assertEquals("r1", c.consumer("g", ChunkBudget.DEFAULT).get("client.rack"), "kept through with()");
        // a consumer without a group cannot be a member; producers and Admin clients would warn of an unused setting
        assertNull(c.consumer(null, ChunkBudget.DEFAULT).get("group.instance.id"));
        assertNull(c.producer("p", ChunkBudget.DEFAULT).get("group.instance.id"));
        assertNull(c.admin().get("group.instance.id"));
        assertNull(KafkaClientConfig.of("h:1").consumer("g", ChunkBudget.DEFAULT).get("group.instance.id"), "dynamic by default");
    }

    @Test
    void missingBootstrapAndUnreadableFileAreNamed(@TempDir Path tmp) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.resolve(null, null, Map.of()));
        assertTrue(e.getMessage().contains("--bootstrap-server"), e.getMessage());
        Path missing = tmp.resolve("nope.properties");
        e = assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.resolve("x:1", missing, Map.of()));
        assertTrue(e.getMessage().endsWith("nope.properties: no such file"), e.getMessage());
    }

    @Test
    void topicNamesAndLayoutFromEnvironment() {
        TopicNames n = TopicNames.fromEnvironment(Map.of("FLEETCKPT_TOPIC_PREFIX", "prod.", "FLEETCKPT_TOPIC_DLQ", "dead"));
        assertEquals("prod.fleetckpt.records", n.records());
        assertEquals("dead", n.dlq());
        TopicLayout l = TopicLayout.fromEnvironment(Map.of("FLEETCKPT_PARTITIONS", "12", "FLEETCKPT_CHUNK_BYTES", "65536"));
        assertEquals(12, l.partitions());
        assertEquals(65536, l.budget().payloadBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopicLayout.fromEnvironment(Map.of("FLEETCKPT_PARTITIONS", "many")));
        assertTrue(e.getMessage().contains("FLEETCKPT_PARTITIONS"));
        assertThrows(IllegalArgumentException.class, () -> new ChunkBudget(10));
    }
}
