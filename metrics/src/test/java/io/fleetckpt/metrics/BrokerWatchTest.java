package io.fleetckpt.metrics;

import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(EmbeddedKafkaExtension.class)
class BrokerWatchTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void saysWhenTheBrokerIsLostRemindsAndSaysWhenItIsBack() throws Exception {
        AtomicReference<String> problem = new AtomicReference<>();
        AtomicLong now = new AtomicLong(1000 * SECOND);
        List<String> lines = new ArrayList<>();
        BrokerWatch w = new BrokerWatch("b:9092", problem::get, Duration.ofMinutes(5), now::get,
                s -> lines.add("WARN " + s), s -> lines.add("INFO " + s), () -> { });
        w.tick();
        assertEquals(List.of(), lines, "nothing to say while it answers");
        problem.set("no answer to a metadata request in 5 s");
        w.tick();
        now.addAndGet(15 * SECOND);
        w.tick();
        now.addAndGet(290 * SECOND);
        w.tick();
        now.addAndGet(15 * SECOND);
        problem.set(null);
        w.tick();
        w.tick();
        assertEquals(List.of(
                "WARN Kafka broker at b:9092 does not answer: no answer to a metadata request in 5 s (work waits until it does)",
                "WARN Kafka broker at b:9092 still does not answer, for 305 s: no answer to a metadata request in 5 s",
                "INFO Kafka broker at b:9092 answers again, after 320 s without"), lines);
    }

    /** The real probe against a real broker and against an address where nothing listens. */
    @Test
    void theRealProbeTellsALiveBrokerFromNone(@KafkaBootstrap String bootstrap) throws Exception {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (BrokerWatch live = BrokerWatch.start(admin(bootstrap), bootstrap, Duration.ofMillis(100), lines::add, lines::add)) {
            Thread.sleep(1000);
        }
        assertEquals(List.of(), lines, "a live broker is not reported");
        try (BrokerWatch dead = BrokerWatch.start(admin("127.0.0.1:1"), "127.0.0.1:1", Duration.ofMillis(100), lines::add, lines::add)) {
            long until = System.nanoTime() + 30 * SECOND;
            while (lines.isEmpty() && System.nanoTime() < until) Thread.sleep(50);
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("Kafka broker at 127.0.0.1:1 does not answer: "), lines.get(0));
    }

    private static java.util.Properties admin(String bootstrap) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrap);
        return p;
    }
}
