package io.fleetckpt.cli;

import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.metrics.FleetMetrics;
import io.fleetckpt.metrics.HealthCheck;
import io.fleetckpt.metrics.HealthChecks;
import io.fleetckpt.metrics.MetricsServer;
import io.fleetckpt.metrics.StandardChecks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;

/**
 * One process's meters and health checks, and the HTTP server for them when a port was given.
 * The meters always count (the commands wire them unconditionally); only serving is optional.
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** How long a Kafka health probe may take before the check reports DOWN. */
    static final Duration KAFKA_PROBE = Duration.ofSeconds(3);
    /**
     * The longest gap between two polls before "poll" reports DOWN: the consumer's default
     * max.poll.interval.ms, past which Kafka has dropped the member from its group anyway.
     * (A capture or a store flush happens between polls, so the gap is not the poll timeout.)
     */
    public static final Duration MAX_POLL_GAP = Duration.ofMinutes(5);

    private final FleetMetrics metrics;
    private final HealthChecks health = new HealthChecks();
    private final String host;
    private final int port;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private MetricsServer server;

    MetricsEndpoint(String role, String host, int port) {
        this.metrics = new FleetMetrics(role);
        this.host = host;
        this.port = port;
    }

    public FleetMetrics metrics() {
        return metrics;
    }

    public HealthChecks health() {
        return health;
    }

    /** Adds the "kafka" check (an Admin client of its own, made only when the endpoint is served). */
    public MetricsEndpoint checkKafka(KafkaClientConfig config) {
        if (port == 0) return this;
        Admin admin = Admin.create(config.admin());
        owned.push(admin);
        return check("kafka", StandardChecks.kafkaReachable(admin, KAFKA_PROBE));
    }

    /** Adds the "store" check: the image store's directory accepts a new file. */
    public MetricsEndpoint checkStore(Path dir) {
        return check("store", StandardChecks.writableDirectory(dir));
    }

    /** Adds the "poll" check: the consumer loop polled within {@code maxAge}. */
    public MetricsEndpoint checkPolling(LongSupplier lastPollMs, Duration maxAge) {
        return check("poll", StandardChecks.recentActivity("poll", lastPollMs, maxAge, Clock.systemUTC()));
    }

    public MetricsEndpoint check(String name, HealthCheck check) {
        health.register(name, check);
        return this;
    }

    /** Starts serving if a port was given; returns this for try-with-resources. */
    public MetricsEndpoint start() throws IOException {
        if (port != 0 && server == null) server = MetricsServer.start(host, port, metrics, health);
        return this;
    }

    /** The port served on, or 0 when not served. */
    public int port() {
        return server == null ? 0 : server.port();
    }

    @Override
    public void close() {
        if (server != null) server.close();
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                // closing an Admin client on the way out: nothing useful to do about a failure
            }
        }
        metrics.close();
    }
}
