package io.fleetckpt.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Reads a consumer's total lag from the Kafka client's own metrics: the per-partition
 * {@code records-lag} gauges of {@code consumer-fetch-manager-metrics}, summed. The client updates
 * them on every fetch, so no extra broker round trip (and no second consumer) is needed.
 *
 * <p>Safe to call from the scrape thread: {@code KafkaConsumer.metrics()} only reads the client's
 * concurrent metric map; the consumer itself stays on its polling thread.
 */
public final class ConsumerLag {
    static final String GROUP = "consumer-fetch-manager-metrics";
    static final String RECORDS_LAG = "records-lag";

    private ConsumerLag() {
    }

    /** @param metrics usually {@code consumer::metrics} */
    public static DoubleSupplier of(Supplier<? extends Map<MetricName, ? extends Metric>> metrics) {
        Objects.requireNonNull(metrics);
        return () -> total(metrics.get());
    }

    static double total(Map<MetricName, ? extends Metric> metrics) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            // the client also publishes a per-topic "records-lag-max" and a client-wide one: only
            // the per-partition gauge adds up to the real backlog
            if (!GROUP.equals(name.group()) || !RECORDS_LAG.equals(name.name())) continue;
            if (!name.tags().containsKey("partition")) continue;
            Object v = e.getValue().metricValue();
            // NaN until the first fetch of that partition: it has no known lag yet
            if (v instanceof Number n && !Double.isNaN(n.doubleValue())) sum += n.doubleValue();
        }
        return sum;
    }
}
