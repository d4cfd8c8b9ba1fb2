package io.fleetckpt.aggregator;

import io.fleetckpt.aggregator.consume.AggregatorService;
import io.fleetckpt.aggregator.consume.AggregatorSettings;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicNames;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The aggregator as a process of its own, for tests that kill it with SIGKILL: what a crash
 * really leaves (temp files, uncommitted offsets, a group member that never said goodbye).
 * Arguments: bootstrap, topic prefix, store dir, group.
 */
public final class AggregatorProcess {
    /** The broker's minimum: the group notices the killed member after this, not after 45 s. */
    static final int SESSION_TIMEOUT_MS = 6_000;

    private AggregatorProcess() {
    }

    public static void main(String[] args) throws Exception {
        KafkaClientConfig kafka = KafkaClientConfig.of(args[0])
                .with("session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS))
                .with("heartbeat.interval.ms", "1000");
        AggregatorSettings d = AggregatorSettings.defaults(kafka, TopicNames.withPrefix(args[1]), Path.of(args[2])).withGroupId(args[3]);
        AggregatorSettings s = new AggregatorSettings(d.kafka(), d.topics(), d.groupId(), d.storeDir(), PipelineHarness.BUDGET,
                d.limits(), d.format(), Duration.ofMillis(100), Duration.ofMillis(200));
        try (AggregatorService service = new AggregatorService(s)) {
            // SIGTERM stops it cleanly, as the CLI's hook does; SIGKILL is the crash
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    service.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            service.run();
            if (service.failure() != null) throw new IllegalStateException(service.failure());
        }
    }

    /** Starts one, its output in {@code log}. */
    static Process start(String bootstrap, TopicNames topics, Path storeDir, String group, Path log) throws IOException {
        String prefix = topics.control().substring(0, topics.control().length() - TopicNames.CONTROL.length());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), AggregatorProcess.class.getName(),
                bootstrap, prefix, storeDir.toString(), group));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
