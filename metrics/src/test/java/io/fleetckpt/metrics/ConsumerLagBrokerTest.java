package io.fleetckpt.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lag gauge against a real consumer's metrics: behind while records remain, 0 once caught up. */
@ExtendWith(EmbeddedKafkaExtension.class)
class ConsumerLagBrokerTest {
    private static final String TOPIC = "metrics.lag-probe";
    private static final int RECORDS = 60;

    @Test
    void lagFollowsWhatTheConsumerHasNotReadYet(@KafkaBootstrap String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> pc = Map.of("bootstrap.servers", bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> p = new KafkaProducer<>(pc)) {
            for (int i = 0; i < RECORDS; i++) p.send(new ProducerRecord<>(TOPIC, i % 2, null, "r" + i)).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> cc = Map.of("bootstrap.servers", bootstrap, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 4,
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cc)) {
            List<TopicPartition> parts = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            c.assign(parts);
            c.seekToBeginning(parts);
            DoubleSupplier lag = ConsumerLag.of(c::metrics);
            assertEquals(0.0, lag.getAsDouble(), "no fetch yet: no known lag");

            int read = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read == 0 && System.nanoTime() < until) read += c.poll(Duration.ofMillis(200)).count();
            double behind = lag.getAsDouble();
            assertTrue(read > 0 && read < RECORDS, "read " + read);
            assertTrue(behind > 0 && behind <= RECORDS - read, "lag " + behind + " after reading " + read);

            while ((read < RECORDS || lag.getAsDouble() > 0) && System.nanoTime() < until) {
                read += c.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(RECORDS, read);
            assertEquals(0.0, lag.getAsDouble(), "caught up");
        }
    }
}
