package io.fleetckpt.kafka;

import java.util.Map;

/**
 * How the topics are created. The records and images topics get {@code partitions}; the control
 * topic and the DLQ get one partition, since they carry little and requests are easier to reason
 * about in one order.
 *
 * @param partitions        partitions of the records and images topics
 * @param replicationFactor replication factor of every topic
 * @param budget            the chunk budget, which sets the topics' max.message.bytes
 */
public record TopicLayout(int partitions, short replicationFactor, ChunkBudget budget) {
    public TopicLayout {
        if (partitions < 1 || partitions > 10_000) throw new IllegalArgumentException("partitions must be 1..10000, got " + partitions);
        if (replicationFactor < 1) throw new IllegalArgumentException("replication factor must be >= 1, got " + replicationFactor);
    }

    public static TopicLayout singleNode() {
        return new TopicLayout(4, (short) 1, ChunkBudget.DEFAULT);
    }

    /** {@code FLEETCKPT_PARTITIONS}, {@code FLEETCKPT_REPLICATION_FACTOR}, {@code FLEETCKPT_CHUNK_BYTES}. */
    public static TopicLayout fromEnvironment(Map<String, String> env) {
        TopicLayout d = singleNode();
        return new TopicLayout(
                EnvInts.get(env, "FLEETCKPT_PARTITIONS", d.partitions),
                (short) EnvInts.get(env, "FLEETCKPT_REPLICATION_FACTOR", d.replicationFactor),
                ChunkBudget.fromEnvironment(env));
    }
}
