package io.fleetckpt.cli.bench;

import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The baseline of the pipeline benchmark: reads every record of a topic from the beginning and
 * does nothing with the values, with the same client settings as the aggregator's records
 * consumer, so it is the best any reader of this topic can do.
 */
final class PlainTopicReader {
    private PlainTopicReader() {
    }

    /**
     * Timed as the aggregator is ({@code AggregatorStats.assignedNanos}): from the moment the
     * partitions are assigned and sought to the beginning, so the first fetch (up to
     * {@link KafkaClientConfig#BACKLOG_FETCH_BYTES} per partition) counts in both bytes and time;
     * partition lookup and end offsets come before, as the aggregator's group join does.
     */
    static ReadSpan read(KafkaClientConfig kafka, String topic, ChunkBudget budget) {
        Properties p = kafka.backlogConsumer("bench-plain", budget);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("max.poll.records", "2000");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            c.seekToBeginning(parts);
            long t0 = System.nanoTime();
            long cpu0 = CpuClock.processNanos();
            long own0 = CpuClock.currentThreadNanos();
            long bytes = 0;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) bytes += r.value().length;
            }
            return new ReadSpan(bytes, System.nanoTime() - t0, CpuClock.processNanos() - cpu0,
                    CpuClock.currentThreadNanos() - own0, 0);
        }
    }
}
