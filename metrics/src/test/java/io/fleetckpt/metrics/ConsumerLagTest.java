package io.fleetckpt.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Value;
import org.junit.jupiter.api.Test;

/** Drives the lag reader with Kafka's own metrics registry, as the consumer fills it. */
class ConsumerLagTest {
    @Test
    void sumsPerPartitionLagAndIgnoresMaxAndUnknown() {
        try (Metrics kafka = new Metrics()) {
            partitionLag(kafka, "fleetckpt.records", 0).record(7);
            partitionLag(kafka, "fleetckpt.records", 1).record(5);
            partitionLag(kafka, "fleetckpt.records", 2); // never fetched: NaN, no known lag
            Sensor max = kafka.sensor("max");
            max.add(kafka.metricName("records-lag-max", ConsumerLag.GROUP, "", Map.of("topic", "fleetckpt.records")),
                    new Max());
            max.record(7);

            assertEquals(12.0, ConsumerLag.of(kafka::metrics).getAsDouble());

            try (FleetMetrics metrics = new FleetMetrics("aggregator")) {
                metrics.bindConsumerLag(ConsumerLag.of(kafka::metrics));
                partitionLag(kafka, "fleetckpt.records", 1).record(0); // caught up on partition 1
                assertEquals(7.0, Scrape.sample(metrics.scrape(), "fleetckpt_consumer_lag_records{role=\"aggregator\"}")
                        .orElseThrow());
            }
        }
    }

    private static Sensor partitionLag(Metrics kafka, String topic, int partition) {
        String sensorName = topic + "-" + partition + ".records-lag";
        Sensor existing = kafka.getSensor(sensorName);
        if (existing != null) return existing;
        Sensor s = kafka.sensor(sensorName);
        MetricName name = kafka.metricName(ConsumerLag.RECORDS_LAG, ConsumerLag.GROUP, "",
                Map.of("topic", topic, "partition", String.valueOf(partition)));
        s.add(name, new Value());
        return s;
    }
}
