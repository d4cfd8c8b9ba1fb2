package io.fleetckpt.cli;

import io.fleetckpt.aggregator.consume.AggregatorService;
import io.fleetckpt.aggregator.consume.AggregatorSettings;
import io.fleetckpt.aggregator.reassemble.ReassemblyLimits;
import io.fleetckpt.cli.kafka.KafkaOptions;
import io.fleetckpt.metrics.ConsumerLag;
import io.fleetckpt.metrics.FleetMetrics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "aggregator", mixinStandardHelpOptions = true,
        description = {"Reassembles host streams from the records topic into complete images, stores them with a "
                + "manifest per checkpoint (see docs/store.md) and publishes image and checkpoint events; bad input "
                + "goes to the DLQ. Offsets are committed only for what is durably stored.",
                "Runs until SIGTERM/SIGINT; instances with the same --group share the records partitions. "
                        + "The topics must exist (`fleetckpt topics create`)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by a signal after committing what was stored",
                "2:usage error, topics missing, broker unreachable, or the store failed (nothing past it was committed)"})
final class AggregatorCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    MetricsOptions metricsOptions;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "image store directory (created if missing)")
    Path store;

    @Option(names = "--group", paramLabel = "ID", defaultValue = AggregatorSettings.DEFAULT_GROUP,
            description = "consumer group of the records topic (default: ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--max-partition-mib", paramLabel = "MIB", defaultValue = "512",
            description = "payload held in memory per partition before a stream is failed as too large (default: ${DEFAULT-VALUE})")
    long maxPartitionMib;

    @Override
    public Integer call() throws Exception {
        AgentCommand.awaitTopics(kafka);
        long bound = maxPartitionMib << 20;
        AggregatorSettings base = AggregatorSettings.defaults(kafka.clientConfig(), kafka.topics(), store).withGroupId(group);
        AggregatorSettings s = new AggregatorSettings(base.kafka(), base.topics(), base.groupId(), base.storeDir(), kafka.budget(),
                new ReassemblyLimits(bound, Math.min(bound, ReassemblyLimits.DEFAULT.maxStreamBytes()), ReassemblyLimits.DEFAULT.maxSequence()),
                base.format(), base.commitInterval(), base.deadlineGrace());
        try (MetricsEndpoint endpoint = metricsOptions.open("aggregator")) {
            AggregatorService service = new AggregatorService(s, endpoint.metrics());
            instrument(service, endpoint, s);
            endpoint.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    service.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "fleetckpt-aggregator-shutdown"));
            spec.commandLine().getErr().println("fleetckpt aggregator: group " + group + ", store " + service.store()
                    + ", " + s.topics().records() + " -> " + s.topics().images());
            spec.commandLine().getErr().flush();
            service.run();
            if (service.failure() != null) {
                throw new IllegalStateException("aggregator stopped: " + service.failure().getMessage(), service.failure());
            }
        }
        return 0;
    }

    /** Gauges and health checks of one aggregator (also used by {@code local}); counters come from its sinks. */
    static void instrument(AggregatorService service, MetricsEndpoint endpoint, AggregatorSettings s) {
        FleetMetrics m = endpoint.metrics();
        m.bindStreamsInFlight(service::streamsInFlight);
        m.bindConsumerLag(ConsumerLag.of(service::consumerMetrics));
        endpoint.checkKafka(s.kafka()).checkStore(s.storeDir()).checkPolling(service::lastPollMs, Duration.ofSeconds(60));
    }
}
