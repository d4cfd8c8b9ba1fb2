package io.fleetckpt.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/** The checks agent and aggregator share: Kafka reachable, store writable, loop still polling. */
public final class StandardChecks {
    private StandardChecks() {
    }

    /** UP when the cluster answers a metadata request within {@code timeout}. */
    public static HealthCheck kafkaReachable(Admin admin, Duration timeout) {
        return () -> {
            int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            try {
                Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms))
                        .nodes().get(ms + 500L, TimeUnit.MILLISECONDS);
                return nodes.isEmpty() ? HealthCheck.Result.down("cluster reports no brokers")
                        : HealthCheck.Result.up(nodes.size() + " broker(s)");
            } catch (TimeoutException e) {
                return HealthCheck.Result.down("no answer from Kafka within " + ms + " ms");
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                return HealthCheck.Result.down("Kafka unreachable: " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            }
        };
    }

    /** UP when a file can be created and removed in {@code dir} (the image store's root). */
    public static HealthCheck writableDirectory(Path dir) {
        return () -> {
            if (!Files.isDirectory(dir)) return HealthCheck.Result.down(dir + " is not a directory");
            Path probe;
            try {
                probe = Files.createTempFile(dir, ".health-", ".probe");
            } catch (IOException e) {
                return HealthCheck.Result.down("cannot write in " + dir + ": " + e.getMessage());
            }
            Files.deleteIfExists(probe);
            return HealthCheck.Result.up(dir + " writable");
        };
    }

    /**
     * UP while the last poll (or other heartbeat) is younger than {@code maxAge}: a stuck consumer
     * loop keeps its process alive but stops polling, and that is what this catches.
     *
     * @param lastEpochMillis the time of the last poll, 0 when none has happened yet
     */
    public static HealthCheck recentActivity(String what, LongSupplier lastEpochMillis, Duration maxAge, Clock clock) {
        return () -> {
            long last = lastEpochMillis.getAsLong();
            if (last <= 0) return HealthCheck.Result.down("no " + what + " yet");
            long age = clock.millis() - last;
            String detail = "last " + what + " " + age + " ms ago";
            return age <= maxAge.toMillis() ? HealthCheck.Result.up(detail)
                    : HealthCheck.Result.down(detail + " (limit " + maxAge.toMillis() + " ms)");
        };
    }
}
