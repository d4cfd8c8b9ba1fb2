package io.fleetckpt.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} (Prometheus text format) and {@code GET /health} (JSON: overall
 * status plus each component check; HTTP 200 when UP, 503 when DOWN) with the JDK's built-in
 * HTTP server, so agent and aggregator need no web framework.
 */
public final class MetricsServer implements AutoCloseable {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final FleetMetrics metrics;
    private final HealthChecks health;

    private MetricsServer(HttpServer server, ExecutorService executor, FleetMetrics metrics, HealthChecks health) {
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
        this.health = health;
    }

    /**
     * Binds and starts the server.
     *
     * @param host the address to bind, e.g. 0.0.0.0 for Prometheus in another container
     * @param port the port; 0 binds a free one (see {@link #port()})
     */
    public static MetricsServer start(String host, int port, FleetMetrics metrics, HealthChecks health)
            throws IOException {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("metrics port " + port + " is not in 0..65535");
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        // two threads: a slow health check (bounded by its own timeout) must not hold up a scrape
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "fleetckpt-metrics-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        MetricsServer ms = new MetricsServer(server, executor, metrics, health);
        server.createContext("/metrics", ms::serveMetrics);
        server.createContext("/health", ms::serveHealth);
        server.start();
        LOG.info("metrics and health on http://{}:{}/metrics and /health", host, ms.port());
        return ms;
    }

    /** The bound port (the chosen one when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void serveMetrics(HttpExchange ex) throws IOException {
        if (!exactGet(ex, "/metrics")) return;
        respond(ex, 200, PROMETHEUS_TEXT, metrics.scrape());
    }

    private void serveHealth(HttpExchange ex) throws IOException {
        if (!exactGet(ex, "/health")) return;
        HealthChecks.Report report = health.run();
        ObjectNode body = JSON.createObjectNode();
        body.put("status", report.status());
        ObjectNode checks = body.putObject("checks");
        for (Map.Entry<String, HealthCheck.Result> e : report.checks().entrySet()) {
            ObjectNode c = checks.putObject(e.getKey());
            c.put("status", e.getValue().up() ? "UP" : "DOWN");
            c.put("detail", e.getValue().detail());
        }
        respond(ex, report.up() ? 200 : 503, "application/json", JSON.writeValueAsString(body) + "\n");
    }

    /** Answers 404 or 405 itself and returns false when the request is not a GET/HEAD of {@code path}. */
    private static boolean exactGet(HttpExchange ex, String path) throws IOException {
        if (!ex.getRequestURI().getPath().equals(path)) {
            respond(ex, 404, "text/plain; charset=utf-8", "not found: " + ex.getRequestURI().getPath() + "\n");
            return false;
        }
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            respond(ex, 405, "text/plain; charset=utf-8", "method " + method + " not allowed\n");
            return false;
        }
        return true;
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
