package io.fleetckpt.aggregator.consume;

import io.fleetckpt.aggregator.reassemble.ReassemblyLimits;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicNames;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything an aggregator instance needs.
 *
 * @param groupId        consumer group of the records topic (instances of one group share the work)
 * @param commitInterval how often offsets are committed while chunks keep coming
 * @param deadlineGrace  how long after a request's deadline its open streams are failed
 */
public record AggregatorSettings(KafkaClientConfig kafka, TopicNames topics, String groupId, Path storeDir,
                                 ChunkBudget budget, ReassemblyLimits limits, FormatOptions format,
                                 Duration commitInterval, Duration deadlineGrace) {
    public static final String DEFAULT_GROUP = "fleetckpt-aggregator";

    public static AggregatorSettings defaults(KafkaClientConfig kafka, TopicNames topics, Path storeDir) {
        return new AggregatorSettings(kafka, topics, DEFAULT_GROUP, storeDir, ChunkBudget.DEFAULT, ReassemblyLimits.DEFAULT,
                FormatOptions.DEFAULT, Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    public AggregatorSettings withGroupId(String g) {
        return new AggregatorSettings(kafka, topics, g, storeDir, budget, limits, format, commitInterval, deadlineGrace);
    }

    public AggregatorSettings withBudget(ChunkBudget b) {
        return new AggregatorSettings(kafka, topics, groupId, storeDir, b, limits, format, commitInterval, deadlineGrace);
    }

    public AggregatorSettings withLimits(ReassemblyLimits l) {
        return new AggregatorSettings(kafka, topics, groupId, storeDir, budget, l, format, commitInterval, deadlineGrace);
    }
}
