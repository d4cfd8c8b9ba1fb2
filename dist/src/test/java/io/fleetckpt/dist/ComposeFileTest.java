package io.fleetckpt.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compose file checked without a Docker engine: its structure here, and Compose's own schema
 * validation through {@code docker-compose config} where that tool is installed
 * (scripts/install-deps.sh installs Debian's package; it needs no daemon).
 */
class ComposeFileTest {
    static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
    private static JsonNode services;
    private static JsonNode compose;

    @BeforeAll
    static void load() throws Exception {
        compose = Repo.yaml("docker-compose.yml");
        services = compose.get("services");
    }

    static String env(String service, String name) {
        JsonNode v = services.at("/" + service + "/environment/" + name);
        return v.isMissingNode() ? null : v.asText();
    }

    /** ${VAR:-default} as Compose resolves it with VAR unset. */
    static String resolved(String value) {
        Matcher m = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}").matcher(value);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
    }

    @Test
    void threeCombinedKraftNodesOfTheOfficialImageFormOneQuorum() {
        Set<String> nodeIds = new HashSet<>();
        Set<String> clusterIds = new HashSet<>();
        for (String b : BROKERS) {
            String image = resolved(services.at("/" + b + "/image").asText());
            assertTrue(image.matches("apache/kafka:4\\.\\d+\\.\\d+"), b + " image " + image);
            assertEquals("broker,controller", env(b, "KAFKA_PROCESS_ROLES"), b);
            assertEquals("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093", env(b, "KAFKA_CONTROLLER_QUORUM_VOTERS"), b);
            String id = env(b, "KAFKA_NODE_ID");
            nodeIds.add(id);
            assertTrue(env(b, "KAFKA_CONTROLLER_QUORUM_VOTERS").contains(id + "@" + b + ":"), b + " votes as itself");
            assertTrue(env(b, "KAFKA_ADVERTISED_LISTENERS").contains("INTERNAL://" + b + ":19092"), b);
            assertEquals("3", env(b, "KAFKA_DEFAULT_REPLICATION_FACTOR"));
            assertEquals("2", env(b, "KAFKA_MIN_INSYNC_REPLICAS"));
            assertEquals("false", env(b, "KAFKA_AUTO_CREATE_TOPICS_ENABLE"));
            clusterIds.add(resolved(env(b, "CLUSTER_ID")));
            assertTrue(services.at("/" + b + "/healthcheck/test").isArray(), b + " has a health check");
        }
        assertEquals(Set.of("1", "2", "3"), nodeIds);
        assertEquals(1, clusterIds.size(), "one cluster id on every node");
        byte[] uuid = Base64.getUrlDecoder().decode(clusterIds.iterator().next());
        assertEquals(16, uuid.length, "a KRaft cluster id is 16 bytes in URL-safe base64");
    }

    @Test
    void topicSetupCreatesTheFourTopicsReplicatedThreeTimesWithMinIsrTwo() {
        JsonNode setup = services.get("kafka-setup");
        assertEquals("no", setup.get("restart").asText(), "a one-shot service");
        for (String b : BROKERS) assertEquals("service_healthy", setup.at("/depends_on/" + b + "/condition").asText());
        String script = setup.get("command").get(0).asText();
        assertTrue(script.contains("--replication-factor 3"), script);
        assertTrue(script.contains("--config min.insync.replicas=2"), script);
        assertTrue(script.contains("--if-not-exists"), "re-running the setup is harmless");
        Map<String, String> created = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*create (\\S+) (.*)$").matcher(script);
        while (m.find()) created.put(m.group(1), m.group(2));
        assertEquals(Set.of("fleetckpt.control", "fleetckpt.records", "fleetckpt.images", "fleetckpt.dlq"), created.keySet());
        assertTrue(created.get("fleetckpt.images").contains("cleanup.policy=compact"), "images topic is compacted");
        assertTrue(script.contains("--unavailable-partitions"), "waits for partition leaders (KAFKA-15591)");
    }

    @Test
    void fleetckptServicesStartAfterTheTopicsExist() {
        for (String s : List.of("aggregator", "agent")) {
            JsonNode svc = services.get(s);
            assertEquals("service_completed_successfully", svc.at("/depends_on/kafka-setup/condition").asText(), s);
            assertEquals("Dockerfile", svc.at("/build/dockerfile").asText(), s);
            assertEquals(s, svc.at("/command/0").asText());
            String bootstrap = env(s, "FLEETCKPT_BOOTSTRAP_SERVER");
            for (String b : BROKERS) assertTrue(bootstrap.contains(b + ":19092"), s + " bootstrap " + bootstrap);
            assertTrue(env(s, "FLEETCKPT_METRICS_PORT").matches("\\d+"), s);
        }
    }

    @Test
    void everyFleetckptVariableIsAnOptionOfTheServicesCommand() {
        List<String> unknown = new ArrayList<>();
        for (String s : List.of("aggregator", "agent")) {
            String command = services.at("/" + s + "/command/0").asText();
            services.at("/" + s + "/environment").fieldNames().forEachRemaining(v -> {
                if (v.startsWith("FLEETCKPT_") && !CommandVariables.understood(command, v)) unknown.add(s + ": " + v);
            });
        }
        assertEquals(List.of(), unknown, "a misspelt variable would be ignored silently");
    }

    @Test
    void theAgentSeesTheHostsProcessesAndCgroups() {
        JsonNode agent = services.get("agent");
        assertTrue(agent.get("privileged").asBoolean());
        assertEquals("host", agent.get("pid").asText());
        assertTrue(textValues(agent.get("volumes")).contains("/sys/fs/cgroup:/sys/fs/cgroup:rw"));
    }

    @Test
    void theImageStoreIsAVolumeMountedWhereTheAggregatorWrites() {
        String store = env("aggregator", "FLEETCKPT_STORE");
        assertTrue(textValues(services.at("/aggregator/volumes")).contains("image-store:" + store));
        assertTrue(compose.get("volumes").has("image-store"));
    }

    @Test
    void everyNamedVolumeIsDeclared() {
        List<String> missing = new ArrayList<>();
        services.fields().forEachRemaining(e -> {
            for (String v : textValues(e.getValue().get("volumes"))) {
                String source = v.split(":")[0];
                if (!source.startsWith("/") && !source.startsWith(".") && !compose.get("volumes").has(source)) {
                    missing.add(e.getKey() + " -> " + source);
                }
            }
        });
        assertEquals(List.of(), missing);
    }

    @Test
    void prometheusScrapesAgentAndAggregatorAtTheirMetricsPorts() throws Exception {
        assertTrue(textValues(services.at("/prometheus/volumes")).contains("./ops/prometheus:/etc/prometheus:ro"));
        JsonNode prom = Repo.yaml("ops/prometheus/prometheus.yml");
        Set<String> targets = new HashSet<>();
        for (JsonNode job : prom.get("scrape_configs")) {
            assertEquals("/metrics", job.get("metrics_path").asText());
            for (JsonNode sc : job.get("static_configs")) targets.addAll(textValues(sc.get("targets")));
        }
        assertEquals(Set.of("agent:" + env("agent", "FLEETCKPT_METRICS_PORT"),
                "aggregator:" + env("aggregator", "FLEETCKPT_METRICS_PORT")), targets);
    }

    @Test
    void composeAcceptsTheFile() throws Exception {
        assumeTrue(Tools.installed("docker-compose"), "docker-compose not installed (scripts/install-deps.sh)");
        Tools.Result r = Tools.run(Repo.root(), List.of("docker-compose", "-f", "docker-compose.yml", "config", "-q"));
        assertEquals(0, r.exitCode(), r.output());
    }

    @Test
    void composeRejectsAnUnknownKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assumeTrue(Tools.installed("docker-compose"), "docker-compose not installed (scripts/install-deps.sh)");
        String broken = java.nio.file.Files.readString(Repo.file("docker-compose.yml"))
                .replace("    privileged: true", "    privileged: true\n    priviliged: true");
        java.nio.file.Files.writeString(dir.resolve("docker-compose.yml"), broken);
        Tools.Result r = Tools.run(dir, List.of("docker-compose", "config", "-q"));
        assertTrue(r.exitCode() != 0 && r.output().contains("priviliged"), "the check has teeth: " + r.output());
    }

    static List<String> textValues(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
