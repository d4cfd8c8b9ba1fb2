package io.fleetckpt.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsServerTest {
    @TempDir
    Path store;

    private FleetMetrics metrics;
    private HealthChecks health;
    private MetricsServer server;

    @BeforeEach
    void start() throws Exception {
        metrics = new FleetMetrics("agent");
        health = new HealthChecks().register("store", StandardChecks.writableDirectory(store));
        server = MetricsServer.start("127.0.0.1", 0, metrics, health);
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    @Test
    void scrapeOverHttpShowsTheCountedValues() throws Exception {
        metrics.capture(FleetMetrics.CaptureOutcome.OK);
        metrics.capture(FleetMetrics.CaptureOutcome.OK);
        metrics.capture(FleetMetrics.CaptureOutcome.FAILED);
        metrics.fdsCaptured(17);
        for (int i = 0; i < 5; i++) metrics.chunkSent();
        metrics.chunkFailed();
        metrics.frozenWindow(Duration.ofMillis(3));
        metrics.frozenWindow(Duration.ofMillis(40));

        HttpResponse<String> r = Scrape.get(server.port(), "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String body = r.body();
        assertEquals(2.0, Scrape.sample(body, "fleetckpt_captures_total{outcome=\"ok\",role=\"agent\"}").orElseThrow());
        assertEquals(1.0, Scrape.sample(body, "fleetckpt_captures_total{outcome=\"failed\",role=\"agent\"}").orElseThrow());
        assertEquals(0.0, Scrape.sample(body, "fleetckpt_captures_total{outcome=\"partial\",role=\"agent\"}").orElseThrow());
        assertEquals(17.0, Scrape.sample(body, "fleetckpt_fds_captured_total{role=\"agent\"}").orElseThrow());
        assertEquals(5.0, Scrape.sample(body, "fleetckpt_chunks_sent_total{role=\"agent\"}").orElseThrow());
        assertEquals(1.0, Scrape.sample(body, "fleetckpt_chunks_failed_total{role=\"agent\"}").orElseThrow());
        assertEquals(2.0, Scrape.sample(body, "fleetckpt_frozen_window_seconds_count{role=\"agent\"}").orElseThrow());
        assertEquals(0.043, Scrape.sample(body, "fleetckpt_frozen_window_seconds_sum{role=\"agent\"}").orElseThrow(), 1e-9);
        // cumulative buckets: 3 ms counts from the 5 ms bucket up, 40 ms only from the 50 ms one
        assertEquals(0.0, Scrape.sample(body, "fleetckpt_frozen_window_seconds_bucket{role=\"agent\",le=\"0.0025\"}").orElseThrow());
        assertEquals(1.0, Scrape.sample(body, "fleetckpt_frozen_window_seconds_bucket{role=\"agent\",le=\"0.025\"}").orElseThrow());
        assertEquals(2.0, Scrape.sample(body, "fleetckpt_frozen_window_seconds_bucket{role=\"agent\",le=\"0.05\"}").orElseThrow());
        assertEquals(0.04, Scrape.sample(body, "fleetckpt_frozen_window_seconds_max{role=\"agent\"}").orElseThrow(), 1e-9);
        assertEquals(2.0, Scrape.sample(body, "fleetckpt_frozen_window_seconds_bucket{role=\"agent\",le=\"+Inf\"}").orElseThrow());
        assertTrue(body.contains("jvm_memory_used_bytes"), "JVM binders are registered");
        assertTrue(body.contains("process_files_open_files"), "process binders are registered");
    }

    @Test
    void aggregatorMetricsIncludingGaugesAreScraped() throws Exception {
        try (FleetMetrics agg = new FleetMetrics("aggregator"); MetricsServer s = MetricsServer.start("127.0.0.1", 0, agg, health)) {
            agg.imageStored();
            agg.imageStored();
            agg.checkpointFailed(Status.PARTIAL);
            agg.dlqMessage("bad_header");
            agg.dlqMessage("Not A Code!");
            int[] streams = {3};
            agg.bindStreamsInFlight(() -> streams[0]);
            agg.bindConsumerLag(() -> 42);

            String body = Scrape.get(s.port(), "/metrics").body();
            assertEquals(2.0, Scrape.sample(body, "fleetckpt_images_stored_total{role=\"aggregator\"}").orElseThrow());
            assertEquals(1.0, Scrape.sample(body, "fleetckpt_checkpoints_failed_total{role=\"aggregator\",status=\"partial\"}").orElseThrow());
            assertEquals(1.0, Scrape.sample(body, "fleetckpt_dlq_messages_total{reason=\"bad_header\",role=\"aggregator\"}").orElseThrow());
            assertEquals(1.0, Scrape.sample(body, "fleetckpt_dlq_messages_total{reason=\"other\",role=\"aggregator\"}").orElseThrow());
            assertEquals(3.0, Scrape.sample(body, "fleetckpt_streams_in_flight{role=\"aggregator\"}").orElseThrow());
            assertEquals(42.0, Scrape.sample(body, "fleetckpt_consumer_lag_records{role=\"aggregator\"}").orElseThrow());

            streams[0] = 0; // the gauge reads the live value on every scrape
            body = Scrape.get(s.port(), "/metrics").body();
            assertEquals(0.0, Scrape.sample(body, "fleetckpt_streams_in_flight{role=\"aggregator\"}").orElseThrow());
        }
    }

    @Test
    void eachRoleServesItsOwnMetersAndTheJvmsLocalServesBoth() throws Exception {
        Set<String> agentOnly = Set.of("fleetckpt_captures_total", "fleetckpt_frozen_window_seconds_count",
                "fleetckpt_fds_captured_total", "fleetckpt_chunks_sent_total", "fleetckpt_chunks_failed_total");
        Set<String> aggregatorOnly = Set.of("fleetckpt_images_stored_total", "fleetckpt_streams_in_flight",
                "fleetckpt_consumer_lag_records", "fleetckpt_checkpoints_failed_total", "fleetckpt_dlq_messages_total");
        for (String role : List.of("agent", "aggregator", "local")) {
            try (FleetMetrics m = new FleetMetrics(role); MetricsServer s = MetricsServer.start("127.0.0.1", 0, m, health)) {
                if (!role.equals("agent")) {
                    // labelled series appear once declared, as the aggregator's sinks do at start
                    m.declareCheckpointStatuses(List.of(Status.PARTIAL));
                    m.declareDlqReasons(List.of("bad_header"));
                }
                Set<String> names = new TreeSet<>();
                for (String line : Scrape.get(s.port(), "/metrics").body().split("\n")) {
                    if (!line.startsWith("#") && !line.isBlank()) names.add(line.split("[{ ]")[0]);
                }
                boolean agent = !role.equals("aggregator");
                boolean aggregator = !role.equals("agent");
                for (String n : agentOnly) assertEquals(agent, names.contains(n), role + " serves " + n + ": " + names);
                for (String n : aggregatorOnly) assertEquals(aggregator, names.contains(n), role + " serves " + n + ": " + names);
                assertTrue(names.contains("jvm_memory_used_bytes") && names.contains("process_files_open_files"), role + ": " + names);
            }
        }
        try (FleetMetrics agg = new FleetMetrics("aggregator")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, agg::chunkSent);
            assertEquals("fleetckpt.chunks.sent is an agent meter; this registry is the aggregator's", e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> metrics.imageStored(), "and the other way round");
        assertThrows(IllegalArgumentException.class, () -> new FleetMetrics("bogus"));
    }

    @Test
    void healthIsUpWhenEveryCheckIsUpAndDownOtherwise() throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpResponse<String> up = Scrape.get(server.port(), "/health");
        assertEquals(200, up.statusCode());
        JsonNode body = json.readTree(up.body());
        assertEquals("UP", body.get("status").asText());
        assertEquals("UP", body.at("/checks/store/status").asText());

        health.register("kafka", () -> { throw new IllegalStateException("broker gone"); });
        HttpResponse<String> down = Scrape.get(server.port(), "/health");
        assertEquals(503, down.statusCode());
        body = json.readTree(down.body());
        assertEquals("DOWN", body.get("status").asText());
        assertEquals("DOWN", body.at("/checks/kafka/status").asText());
        assertEquals("broker gone", body.at("/checks/kafka/detail").asText());
        assertEquals("UP", body.at("/checks/store/status").asText());
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        assertEquals(404, Scrape.get(server.port(), "/metricsx").statusCode());
        assertEquals(404, Scrape.get(server.port(), "/").statusCode());
        assertEquals(405, Scrape.send(server.port(), "/metrics", "POST").statusCode());
        assertEquals(200, Scrape.send(server.port(), "/metrics", "HEAD").statusCode());
    }

    private enum Status { STORED, PARTIAL }
}
