package io.fleetckpt.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;

/**
 * Producer settings for host streams. Idempotence with acks=all keeps a stream's chunks in
 * order and without duplicates within one producer session; batches of half a message limit (512 KiB by default) with a
 * short linger and lz4 are what measured fastest for large records on 2 cores (pipeline.md §1.4).
 */
public final class ProducerDefaults {
    private ProducerDefaults() {
    }

    public static Map<String, String> settings(ChunkBudget budget) {
        int maxMessage = budget.maxMessageBytes();
        return Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
                ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(maxMessage / 2),
                ProducerConfig.LINGER_MS_CONFIG, "10",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxMessage),
                ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(Math.max(64 << 20, 8 * maxMessage)),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    }
}
