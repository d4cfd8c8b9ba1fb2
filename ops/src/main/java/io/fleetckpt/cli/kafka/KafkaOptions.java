package io.fleetckpt.cli.kafka;

import io.fleetckpt.kafka.BrokerCheck;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Kafka connection options shared by every command that talks to the broker (a picocli mixin).
 * Any client setting (TLS, SASL) comes from the properties file or FLEETCKPT_KAFKA_* variables;
 * see {@link KafkaClientConfig}.
 */
public final class KafkaOptions {
    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (or FLEETCKPT_BOOTSTRAP_SERVER, or bootstrap.servers in --client-properties).")
    public String bootstrapServers;

    @Option(names = {"--kafka-config", "--client-properties"}, paramLabel = "FILE",
            description = "Kafka client settings passed through unchanged (security.protocol, ssl.*, sasl.*, ...).")
    public Path clientProperties;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "Prefix of the topic names (default none: fleetckpt.control, fleetckpt.records, ...).")
    public String topicPrefix;

    @Option(names = "--chunk-bytes", paramLabel = "N", converter = Bounded.ChunkBytes.class,
            description = "Payload budget of one record chunk; the same on agents, aggregators and `topics create` "
                    + "(it sets message limits and fetch sizes; default ${DEFAULT-VALUE}).", defaultValue = "262144")
    public int chunkBytes;

    public KafkaClientConfig clientConfig() {
        return KafkaClientConfig.resolve(bootstrapServers, clientProperties, System.getenv());
    }

    /**
     * An Admin client whose calls are bounded by {@code timeout}, once a broker answered it; if
     * none does at once, one line on the command's stderr says what it waits for.
     *
     * @throws io.fleetckpt.kafka.BrokerUnreachableException when none answered in time
     */
    public Admin connect(Duration timeout, CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        return BrokerCheck.connect(clientConfig(), timeout, line -> {
            err.println(spec.qualifiedName() + ": " + line);
            err.flush();
        });
    }

    /** The command that creates the topics these options name, on the same broker. */
    public String createTopicsCommand() {
        return "fleetckpt topics create --bootstrap-server " + clientConfig().bootstrapServers()
                + (topicPrefix == null ? "" : " --topic-prefix " + topicPrefix);
    }

    public TopicNames topics() {
        Map<String, String> env = System.getenv();
        if (topicPrefix == null) return TopicNames.fromEnvironment(env);
        TopicNames base = TopicNames.withPrefix(topicPrefix);
        return new TopicNames(env.getOrDefault("FLEETCKPT_TOPIC_CONTROL", base.control()),
                env.getOrDefault("FLEETCKPT_TOPIC_RECORDS", base.records()),
                env.getOrDefault("FLEETCKPT_TOPIC_IMAGES", base.images()),
                env.getOrDefault("FLEETCKPT_TOPIC_DLQ", base.dlq()));
    }

    public ChunkBudget budget() {
        return new ChunkBudget(chunkBytes);
    }

    public TopicLayout layout(int partitions, short replicationFactor) {
        return new TopicLayout(partitions, replicationFactor, budget());
    }
}
