package io.fleetckpt.kafka;

import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(EmbeddedKafkaExtension.class)
class BrokerCheckTest {
    @Test
    void nothingListeningIsOneProgressLineThenOneErrorWithinTheTimeout() throws Exception {
        String address = "127.0.0.1:" + BootstrapProbeTest.closedPort();
        List<String> progress = new ArrayList<>();
        long t0 = System.nanoTime();
        BrokerUnreachableException e = assertThrows(BrokerUnreachableException.class,
                () -> BrokerCheck.connect(KafkaClientConfig.of(address), Duration.ofSeconds(2), progress::add));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals("cannot reach a Kafka broker at " + address + ": no answer to a cluster metadata request in 2 s; "
                + "TCP connect: connection refused, nothing listens on that port", e.getMessage());
        assertEquals(List.of("waiting up to 2 s for a Kafka broker at " + address
                + " (TCP connect: connection refused, nothing listens on that port)"), progress);
        // a bound, not a speed target: the client's own retries and close() took 60 s
        assertTrue(tookMs < 15_000, "gave up after " + tookMs + " ms");
    }

    @Test
    void aListenerThatIsNotKafkaIsToldApart() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) held.add(silent.accept());
                } catch (Exception closed) {
                    held.forEach(s -> {
                        try {
                            s.close();
                        } catch (Exception ignored) {
                            // test cleanup
                        }
                    });
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String address = "127.0.0.1:" + silent.getLocalPort();
            BrokerUnreachableException e = assertThrows(BrokerUnreachableException.class,
                    () -> BrokerCheck.connect(KafkaClientConfig.of(address), Duration.ofMillis(1500), line -> { }));
            assertEquals("cannot reach a Kafka broker at " + address + ": no answer to a cluster metadata request in 1500 ms; "
                    + "TCP connect: " + BootstrapProbe.ACCEPTS, e.getMessage());
        }
    }

    @Test
    void aRunningBrokerAnswersWithoutAProgressLine(@KafkaBootstrap String bootstrap) throws Exception {
        List<String> progress = new ArrayList<>();
        try (Admin admin = BrokerCheck.connect(KafkaClientConfig.of(bootstrap), Duration.ofSeconds(30), progress::add)) {
            assertFalse(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty());
        }
        assertEquals(List.of(), progress);
    }

    @Test
    void anAdminTimeoutBoundsItsCallsAndKeepsTheSitesSettings() {
        Properties p = KafkaClientConfig.of("h:1").admin(Duration.ofSeconds(5));
        assertEquals("5000", p.get("request.timeout.ms"));
        assertEquals("5000", p.get("default.api.timeout.ms"));
        Properties longer = KafkaClientConfig.of("h:1").admin(Duration.ofMinutes(2));
        assertEquals("30000", longer.get("request.timeout.ms"), "the client's default request timeout at most");
        assertEquals("120000", longer.get("default.api.timeout.ms"));
        // the client refuses an API timeout below the request timeout: a site's 45 s request timeout raises it
        Properties site = KafkaClientConfig.of("h:1").with("request.timeout.ms", "45000").admin(Duration.ofSeconds(5));
        assertEquals("45000", site.get("request.timeout.ms"));
        assertEquals("45000", site.get("default.api.timeout.ms"));
        assertThrows(IllegalArgumentException.class, () -> BrokerCheck.connect(KafkaClientConfig.of("h:1"), Duration.ZERO, line -> { }));
    }
}
