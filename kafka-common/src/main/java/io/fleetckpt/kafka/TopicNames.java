package io.fleetckpt.kafka;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The four topics of the pipeline. Names are configurable (a prefix, or each name on its own) so
 * that several deployments, or several tests, can share one cluster.
 *
 * @param control checkpoint requests, key = checkpoint id
 * @param records record chunks of host streams, key = checkpoint id
 * @param images  image and checkpoint events, compacted
 * @param dlq     messages that could not be processed, original bytes kept, reason in headers
 */
public record TopicNames(String control, String records, String images, String dlq) {
    public static final String CONTROL = "fleetckpt.control";
    public static final String RECORDS = "fleetckpt.records";
    public static final String IMAGES = "fleetckpt.images";
    public static final String DLQ = "fleetckpt.dlq";

    public TopicNames {
        for (String n : new String[] {control, records, images, dlq}) {
            Objects.requireNonNull(n, "topic name");
            if (n.isBlank()) throw new IllegalArgumentException("empty topic name");
        }
    }

    public static TopicNames defaults() {
        return new TopicNames(CONTROL, RECORDS, IMAGES, DLQ);
    }

    /** Default names under a prefix: {@code prefix + "fleetckpt.records"} and so on. */
    public static TopicNames withPrefix(String prefix) {
        return new TopicNames(prefix + CONTROL, prefix + RECORDS, prefix + IMAGES, prefix + DLQ);
    }

    /**
     * Names from the environment: {@code FLEETCKPT_TOPIC_PREFIX} and, each overriding it,
     * {@code FLEETCKPT_TOPIC_CONTROL}, {@code _RECORDS}, {@code _IMAGES}, {@code _DLQ}.
     */
    public static TopicNames fromEnvironment(Map<String, String> env) {
        TopicNames base = withPrefix(env.getOrDefault("FLEETCKPT_TOPIC_PREFIX", ""));
        return new TopicNames(
                env.getOrDefault("FLEETCKPT_TOPIC_CONTROL", base.control),
                env.getOrDefault("FLEETCKPT_TOPIC_RECORDS", base.records),
                env.getOrDefault("FLEETCKPT_TOPIC_IMAGES", base.images),
                env.getOrDefault("FLEETCKPT_TOPIC_DLQ", base.dlq));
    }

    public List<String> all() {
        return List.of(control, records, images, dlq);
    }
}
