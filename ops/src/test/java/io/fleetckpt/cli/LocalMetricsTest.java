package io.fleetckpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.fleetckpt.kafka.TopicNames;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fleetckpt local --metrics-port N --keep-running}: the whole pipeline in this JVM (its
 * own embedded broker, a real sample process tree, frozen and captured), and the metrics endpoint
 * scraped over HTTP while it runs, after the checkpoint is stored.
 */
class LocalMetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theEndpointAnswersDuringTheLocalRunWithTheCheckpointCounted(@TempDir Path tmp) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        String[] args = {"local", "--data", tmp.toString(), "--json", "--keep-running",
                "--metrics-port", Integer.toString(port), "--metrics-host", "127.0.0.1"};
        Thread run = new Thread(() -> exit.set(cl.execute(args)), "local-under-test");
        run.start();
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (!err.toString().contains("running until interrupted") && run.isAlive() && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertTrue(run.isAlive(), "local ended early (exit " + exit.get() + "):\n" + err + out);
            assertTrue(err.toString().contains("metrics on http://127.0.0.1:" + port + "/metrics"), err.toString());
            JsonNode result = new ObjectMapper().readTree(out.toString());
            assertEquals("STORED", result.get("status").asText(), out.toString());
            long fds = result.get("hosts").get(0).get("image").get("fdCount").asLong();

            HttpResponse<String> scrape = get(port, "/metrics");
            assertEquals(200, scrape.statusCode());
            Map<String, Double> m = samples(scrape.body());
            assertEquals(1.0, m.get("fleetckpt_captures_total{outcome=\"ok\",role=\"local\"}"), scrape.body());
            assertEquals(0.0, m.get("fleetckpt_captures_total{outcome=\"failed\",role=\"local\"}"));
            assertEquals(1.0, m.get("fleetckpt_frozen_window_seconds_count{role=\"local\"}"));
            assertTrue(m.get("fleetckpt_frozen_window_seconds_sum{role=\"local\"}") > 0);
            assertEquals((double) fds, m.get("fleetckpt_fds_captured_total{role=\"local\"}"), "the image's fd count");
            assertTrue(m.get("fleetckpt_chunks_sent_total{role=\"local\"}") >= 3, "BEGIN, TASKS and END at least");
            assertEquals(0.0, m.get("fleetckpt_chunks_failed_total{role=\"local\"}"));
            assertEquals(1.0, m.get("fleetckpt_images_stored_total{role=\"local\"}"));
            assertEquals(0.0, m.get("fleetckpt_streams_in_flight{role=\"local\"}"), "the stream is complete");
            assertEquals(0.0, m.get("fleetckpt_consumer_lag_records{role=\"local\"}"), "caught up");
            assertEquals(0.0, m.get("fleetckpt_checkpoints_failed_total{role=\"local\",status=\"failed\"}"), "nothing failed, and the series is there");
            assertEquals(0.0, m.get("fleetckpt_checkpoints_failed_total{role=\"local\",status=\"partial\"}"));
            assertEquals(0.0, m.get("fleetckpt_dlq_messages_total{reason=\"undecodable\",role=\"local\"}"), "no dead letter yet");

            // then what goes wrong is counted too: a message that is not a chunk, and a host that never answers
            String bootstrap = between(err.toString(), "broker at ", ",");
            sendGarbage(bootstrap);
            CliRun failing = CliRun.of("checkpoint", "--bootstrap-server", bootstrap, "--host", "no-such-host", "--pid", "1",
                    "--deadline", "2s", "--wait");
            assertEquals(1, failing.code(), failing.out() + failing.err());
            Map<String, Double> after = awaitSample(port, "fleetckpt_dlq_messages_total{reason=\"undecodable\",role=\"local\"}", 1.0);
            assertEquals(1.0, after.get("fleetckpt_checkpoints_failed_total{role=\"local\",status=\"failed\"}"), "the deadline failure");
            assertEquals(1.0, after.get("fleetckpt_images_stored_total{role=\"local\"}"), "still one image");

            HttpResponse<String> health = get(port, "/health");
            JsonNode h = new ObjectMapper().readTree(health.body());
            assertEquals(200, health.statusCode(), health.body());
            assertEquals("UP", h.get("status").asText());
            for (String check : new String[] {"kafka", "store", "poll"}) {
                assertEquals("UP", h.at("/checks/" + check + "/status").asText(), health.body());
            }
        } finally {
            run.interrupt();
            run.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertFalse(run.isAlive(), "local did not stop when interrupted");
        assertEquals(0, exit.get(), err.toString());
    }

    private static String between(String s, String start, String end) {
        int i = s.indexOf(start) + start.length();
        return s.substring(i, s.indexOf(end, i));
    }

    private static void sendGarbage(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TopicNames.RECORDS, "k".getBytes(), "not a chunk".getBytes())).get();
        }
    }

    /** Scrapes until the series has the value (a generous bound for the aggregator to consume, not a timing assertion). */
    private static Map<String, Double> awaitSample(int port, String series, double want) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Map<String, Double> m = samples(get(port, "/metrics").body());
            if (Double.valueOf(want).equals(m.get(series)) || System.nanoTime() > until) {
                assertEquals(want, m.get(series), series);
                return m;
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Series (name and labels) to value, from the Prometheus text format. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) continue;
            int sp = line.lastIndexOf(' ');
            m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return m;
    }
}
