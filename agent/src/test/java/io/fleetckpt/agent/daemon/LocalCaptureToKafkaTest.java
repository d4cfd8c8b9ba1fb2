package io.fleetckpt.agent.daemon;

import io.fleetckpt.agent.publish.HostStreamPublisher;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageEvent;
import io.fleetckpt.format.section.SectionKind;
import io.fleetckpt.format.section.SectionReader;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.TopicSetup;
import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real process of this machine, captured, published and read back from the real broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
class LocalCaptureToKafkaTest {
    private static final ChunkBudget BUDGET = ChunkBudget.DEFAULT;

    @Test
    void capturesARealProcessAndPublishesAVerifiableStream(@KafkaBootstrap String bootstrap, @TempDir Path tmp) throws Exception {
        TopicNames topics = TopicNames.withPrefix("local.");
        KafkaClientConfig cfg = KafkaClientConfig.of(bootstrap);
        try (Admin admin = Admin.create(cfg.admin())) {
            new TopicSetup(admin).ensureTopics(topics, new TopicLayout(1, (short) 1, BUDGET), Duration.ofSeconds(30));
        }
        Path file = Files.writeString(tmp.resolve("held.txt"), "hello");
        // the child holds: 0-2 pipes to us, 3 the file (read), 4 a dup of 3
        Process child = new ProcessBuilder("sh", "-c", "exec 3<'" + file + "' 4<&3; exec sleep 60").start();
        try {
            Thread.sleep(300);
            long pid = child.pid();
            HostSelection sel = HostSelection.newBuilder().setHostId("real").setPids(List.of((int) pid))
                    .setTrees(List.of()).setCgroups(List.of()).setCommPatterns(List.of()).build();
            CheckpointRunner.Outcome outcome;
            try (LocalHostCapturer capturer = new LocalHostCapturer(tmp.resolve("state"), 1);
                 KafkaProducer<String, byte[]> p = new KafkaProducer<>(cfg.producer("t", BUDGET))) {
                HostStreamPublisher pub = new HostStreamPublisher(p, topics.records(), BUDGET, new MessageCodec(), FormatOptions.DEFAULT);
                outcome = new CheckpointRunner(capturer, pub, "run-real").run("ck-real", sel, CheckpointOptions.newBuilder().build());
            }
            assertTrue(outcome.ok(), String.valueOf(outcome.failure()));
            assertEquals(1, outcome.published().tasks());
            assertEquals(5, outcome.published().fds(), "0-2, the file and its dup");

            SectionReader reader = new SectionReader();
            int fdEvents = 0;
            for (RecordChunk c : read(bootstrap, topics.records())) {
                byte[] payload = new byte[c.getPayload().remaining()];
                c.getPayload().duplicate().get(payload);
                reader.feed(SectionKind.valueOf(c.getKind().name()), payload);
                for (ImageEvent ev = reader.next(); ev != null; ev = reader.next()) {
                    if (ev == ImageEvent.FD) fdEvents++;
                }
                if (c.getKind() == ChunkKind.END) break;
            }
            assertTrue(reader.complete());
            assertEquals(5, fdEvents);
        } finally {
            child.destroyForcibly();
        }
    }

    private static List<RecordChunk> read(String bootstrap, String topic) throws Exception {
        MessageCodec codec = new MessageCodec();
        List<RecordChunk> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClientConfig.of(bootstrap).consumer(null, BUDGET))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    RecordChunk chunk = codec.decode(r.value(), RecordChunk.class);
                    out.add(chunk);
                    if (chunk.getKind() == ChunkKind.END || chunk.getKind() == ChunkKind.ABORT) return out;
                }
            }
        }
        return out;
    }

}
