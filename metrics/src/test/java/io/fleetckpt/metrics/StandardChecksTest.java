package io.fleetckpt.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandardChecksTest {
    @TempDir
    Path dir;

    @Test
    void writableDirectoryLeavesNoProbeBehind() throws Exception {
        HealthCheck.Result r = StandardChecks.writableDirectory(dir).check();
        assertTrue(r.up(), r.detail());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aFileOrMissingPathIsNotAWritableStore() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertFalse(StandardChecks.writableDirectory(file).check().up());
        HealthCheck.Result missing = StandardChecks.writableDirectory(dir.resolve("nope")).check();
        assertFalse(missing.up());
        assertTrue(missing.detail().contains("nope"), missing.detail());
    }

    @Test
    void recentActivityComparesTheLastPollWithTheLimit() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(100_000), ZoneOffset.UTC);
        Duration limit = Duration.ofSeconds(30);
        assertTrue(StandardChecks.recentActivity("poll", () -> 95_000, limit, clock).check().up());
        HealthCheck.Result stale = StandardChecks.recentActivity("poll", () -> 60_000, limit, clock).check();
        assertFalse(stale.up());
        assertEquals("last poll 40000 ms ago (limit 30000 ms)", stale.detail());
        assertFalse(StandardChecks.recentActivity("poll", () -> 0, limit, clock).check().up());
    }

    @Test
    void kafkaIsDownWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
            HealthCheck.Result r = StandardChecks.kafkaReachable(admin, Duration.ofMillis(1500)).check();
            assertFalse(r.up());
            assertTrue(r.detail().startsWith("Kafka unreachable") || r.detail().startsWith("no answer"), r.detail());
        }
    }
}
