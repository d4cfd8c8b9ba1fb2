package io.fleetckpt.agent.publish;

import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the chunks of one host stream back from a records topic (what the aggregator sees). */
final class TopicStreams {
    private TopicStreams() {
    }

    record Received(RecordChunk chunk, int messageBytes, String key) {
    }

    /** Every chunk of the checkpoint until END or ABORT arrived, in offset order per partition. */
    static List<Received> readStream(String bootstrap, String topic, String checkpointId) throws Exception {
        MessageCodec codec = new MessageCodec();
        List<Received> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClientConfig.of(bootstrap).consumer(null, ChunkBudget.DEFAULT))) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(topic)) tps.add(new TopicPartition(topic, p.partition()));
            c.assign(tps);
            c.seekToBeginning(tps);
            long end = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (!checkpointId.equals(r.key())) continue;
                    RecordChunk chunk = codec.decode(r.value(), RecordChunk.class);
                    out.add(new Received(chunk, r.value().length, r.key()));
                    if (chunk.getKind() == ChunkKind.END || chunk.getKind() == ChunkKind.ABORT) return out;
                }
            }
        }
        throw new AssertionError("no END/ABORT for " + checkpointId + " within 30 s; got " + out.size() + " chunks");
    }
}
