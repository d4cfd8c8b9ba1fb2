package io.fleetckpt.cli;

import io.fleetckpt.cli.kafka.CliJson;
import io.fleetckpt.cli.kafka.DurationConverter;
import io.fleetckpt.cli.kafka.KafkaOptions;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fleetckpt topics create}: the setup step, run once per cluster before agents start. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Manage the pipeline's Kafka topics.",
        subcommands = TopicsCommand.Create.class)
public final class TopicsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create the control, records, images (compacted) and DLQ topics where missing, "
                    + "then wait until every partition has a leader (Kafka 4.4 can lose an idempotent "
                    + "producer's first batch on a brand-new partition otherwise)."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:topics exist and are ready", "1:ready, but existing topics differ from what was asked (listed; never altered)",
                    "2:cannot reach the broker or create a topic"})
    static final class Create implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "4", converter = io.fleetckpt.cli.kafka.Bounded.Partitions.class, description = "Partitions of the records and images topics (default ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1", converter = io.fleetckpt.cli.kafka.Bounded.ReplicationFactor.class, description = "Replication factor of every topic (default ${DEFAULT-VALUE}).")
        short replicationFactor;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class, description = "Give up after this long (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--json", description = "Print the result as one JSON object.")
        boolean json;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            TopicNames names = kafka.topics();
            TopicLayout layout = kafka.layout(partitions, replicationFactor);
            List<String> created;
            List<TopicSetup.Difference> differences;
            long deadline = System.nanoTime() + timeout.toNanos();
            try (Admin admin = kafka.connect(timeout, spec)) {
                TopicSetup setup = new TopicSetup(admin);
                created = setup.ensureTopics(names, layout, left(deadline));
                differences = setup.differences(names, layout, left(deadline)).stream()
                        .filter(d -> !created.contains(d.topic())).toList();
            }
            var out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("topics", names.all());
                result.put("created", created);
                result.put("ready", true);
                result.put("differences", differences.stream().map(d -> Map.of(
                        "topic", d.topic(), "setting", d.setting(), "found", d.found(), "wanted", d.wanted())).toList());
                out.println(CliJson.write(result));
            } else {
                for (String t : names.all()) {
                    out.println(t + (created.contains(t) ? "  created" : "  exists") + ", ready");
                    differences.stream().filter(d -> d.topic().equals(t))
                            .forEach(d -> out.println("  differs: " + d.setting() + " is " + d.found() + ", not " + d.wanted() + " (left as it is)"));
                }
            }
            if (differences.isEmpty()) return 0;
            // existing topics are never altered: more partitions move keys mid-stream, and a new
            // replication factor needs a reassignment only an operator can plan
            var err = spec.commandLine().getErr();
            err.println(spec.qualifiedName() + ": " + differences.size() + " setting(s) of existing topics differ from what was asked; "
                    + "change them with kafka-topics.sh / kafka-configs.sh (partitions: only while no checkpoint is in flight), "
                    + "or ask for what they have");
            err.flush();
            return 1;
        }

        private static Duration left(long deadline) {
            return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
        }
    }
}
