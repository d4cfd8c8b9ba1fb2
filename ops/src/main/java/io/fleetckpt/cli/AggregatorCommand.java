package io.fleetckpt.cli;

import io.fleetckpt.aggregator.consume.AggregatorService;
import io.fleetckpt.aggregator.consume.AggregatorSettings;
import io.fleetckpt.aggregator.reassemble.ReassemblyLimits;
import io.fleetckpt.cli.kafka.BrokerTimeoutOption;
import io.fleetckpt.cli.kafka.KafkaOptions;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "aggregator", mixinStandardHelpOptions = true,
        description = {"Reassembles host streams from the records topic into complete images, stores them with a "
                + "manifest per checkpoint (see docs/store.md) and publishes image and checkpoint events.",
                "Runs until SIGTERM/SIGINT; several instances with the same --group share the partitions."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"143:stopped by SIGTERM after committing what was stored (130: SIGINT; the JVM exits with 128 + the signal)",
                "2:usage error, broker unreachable, or the store failed (nothing past it was committed)"})
final class AggregatorCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Connection, topic names and the chunk budget, as the agents have them. */
    @CommandLine.Mixin
    KafkaOptions kafkaOptions;

    @CommandLine.Mixin
    BrokerTimeoutOption brokerTimeout;

    @CommandLine.Mixin
    MetricsOptions metricsOptions;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "image store directory (created if missing)")
    Path store;

    @Option(names = "--group", paramLabel = "ID", defaultValue = AggregatorSettings.DEFAULT_GROUP,
            description = "consumer group of the records topic (default: ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--max-partition-mib", paramLabel = "MIB", defaultValue = "512", converter = io.fleetckpt.cli.kafka.Bounded.PositiveLong.class,
            description = "payload held in memory per partition before a stream is failed as too large (default: ${DEFAULT-VALUE})")
    long maxPartitionMib;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "make this aggregator a static member of its group under ID, unique per aggregator (e.g. its hostname):"
                    + " restarted, it takes its partitions back at once instead of after the 45 s session timeout;"
                    + " stopped, it keeps them until then (default: a dynamic member)")
    String instanceId;

    @Option(names = "--no-create-topics", description = "do not create missing topics (they must exist)")
    boolean noCreateTopics;

    @Override
    public Integer call() throws Exception {
        KafkaClientConfig kafka = instanceId == null ? kafkaOptions.clientConfig()
                : kafkaOptions.clientConfig().withStaticMembership(validInstanceId(instanceId));
        TopicNames topics = kafkaOptions.topics();
        ChunkBudget budget = kafkaOptions.budget();
        if (noCreateTopics) {
            AgentCommand.awaitTopics(kafkaOptions, brokerTimeout.get(spec), spec);
        } else {
            TopicLayout env = TopicLayout.fromEnvironment(System.getenv());
            try (Admin admin = kafkaOptions.connect(brokerTimeout.get(spec), spec)) {
                new TopicSetup(admin).ensureTopics(topics, new TopicLayout(env.partitions(), env.replicationFactor(), budget),
                        Duration.ofSeconds(60));
            }
        }
        long bound = maxPartitionMib << 20;
        // the budget bounds the messages accepted: it must be the agents' (a larger chunk would be dead-lettered)
        AggregatorSettings s = AggregatorSettings.defaults(kafka, topics, store).withGroupId(group).withBudget(budget)
                .withLimits(new ReassemblyLimits(bound, Math.min(bound, ReassemblyLimits.DEFAULT.maxStreamBytes()),
                        ReassemblyLimits.DEFAULT.maxSequence()));
        try (io.fleetckpt.metrics.BrokerWatch watch = io.fleetckpt.metrics.BrokerWatch.start(kafka.admin(), kafka.bootstrapServers());
             MetricsEndpoint metrics = metricsOptions.open("aggregator").checkKafka(kafka).checkStore(store)) {
            AggregatorService service = new AggregatorService(s, metrics.metrics());
            metrics.checkPolling(service::lastPollMs, MetricsEndpoint.MAX_POLL_GAP).start();
            Thread hook = new Thread(() -> {
                try {
                    service.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "fleetckpt-aggregator-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine().getErr().println("fleetckpt aggregator: group " + group + " on " + kafka.bootstrapServers()
                    + ", store " + store.toAbsolutePath() + ", topics " + topics.records() + " -> " + topics.images());
            spec.commandLine().getErr().flush();
            service.run();
            if (service.failure() != null) {
                throw new IllegalStateException("aggregator stopped: " + service.failure().getMessage(), service.failure());
            }
        }
        return 0;
    }

    /** Kafka's own rule for a group.instance.id, checked before the broker refuses it. */
    private String validInstanceId(String id) {
        if (!id.matches("[A-Za-z0-9._-]{1,249}")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--instance-id '" + id + "': 1 to 249 of A-Z a-z 0-9 . _ -");
        }
        return id;
    }
}
