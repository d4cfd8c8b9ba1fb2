package io.fleetckpt.agent.daemon;

import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.TopicSetup;
import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The `agent` command's SIGTERM path: a shutdown hook and the main thread both close the runtime. */
@ExtendWith(EmbeddedKafkaExtension.class)
class AgentRuntimeCloseTest {

    @Test
    void closingFromTwoThreadsAtOnceClosesTheClientsOnceWithoutError(@KafkaBootstrap String bootstrap, @TempDir Path tmp)
            throws Exception {
        TopicNames topics = TopicNames.withPrefix("close.");
        KafkaClientConfig cfg = KafkaClientConfig.of(bootstrap);
        try (Admin admin = Admin.create(cfg.admin())) {
            new TopicSetup(admin).ensureTopics(topics, new TopicLayout(1, (short) 1, ChunkBudget.DEFAULT), Duration.ofSeconds(30));
        }
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (LocalHostCapturer capturer = new LocalHostCapturer(tmp.resolve("state"), 1)) {
            AgentRuntime agent = new AgentRuntime(cfg, topics, ChunkBudget.DEFAULT, "closer", capturer, FormatOptions.DEFAULT);
            Thread loop = new Thread(() -> {
                agent.runDaemon();
                // what the command's try-with-resources does once the loop returns
                try {
                    agent.close();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "loop");
            loop.start();
            Thread.sleep(500);
            Thread hook = new Thread(() -> {
                try {
                    agent.close();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "hook");
            hook.start();
            hook.join(60_000);
            loop.join(60_000);
            assertFalse(hook.isAlive() || loop.isAlive(), "close must not hang");
        }
        assertEquals(List.of(), failures.stream().map(Throwable::toString).toList());
    }
}
