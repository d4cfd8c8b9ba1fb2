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
import java.util.List;
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
            exitCodeList = {"0:topics exist and are ready", "2:cannot reach the broker or create a topic"})
    static final class Create implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the records and images topics (default ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--replication-factor", defaultValue = "1", description = "Replication factor of every topic (default ${DEFAULT-VALUE}).")
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
            if (timeout.isNegative() || timeout.isZero()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--timeout must be positive");
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            try (Admin admin = kafka.connect(timeout, spec)) {
                Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
                created = new TopicSetup(admin).ensureTopics(names, layout, left);
            }
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(CliJson.write(java.util.Map.of("topics", names.all(), "created", created, "ready", true)));
            } else {
                for (String t : names.all()) out.println(t + (created.contains(t) ? "  created" : "  exists") + ", ready");
            }
            return 0;
        }
    }
}
