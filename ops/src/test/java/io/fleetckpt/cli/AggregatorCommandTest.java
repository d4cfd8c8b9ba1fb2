package io.fleetckpt.cli;

import io.fleetckpt.agent.publish.CapturedHost;
import io.fleetckpt.agent.publish.HostStreamPublisher;
import io.fleetckpt.agent.publish.PublishResult;
import io.fleetckpt.agent.publish.StreamId;
import io.fleetckpt.aggregator.simulate.SimulatedHost;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.CheckpointStatus;
import io.fleetckpt.store.FileSystemImageStore;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fleetckpt aggregator} as its own process, configured like the agents it serves. */
@ExtendWith(EmbeddedKafkaExtension.class)
class AggregatorCommandTest {
    @Test
    void takesTheAgentsTopicPrefixAndChunkBudgetAndStoresChunksOverTheDefaultLimit(@KafkaBootstrap String bootstrap, @TempDir Path tmp)
            throws Exception {
        String prefix = "bigchunks.";
        ChunkBudget budget = new ChunkBudget(2 << 20);
        String[] common = {"--bootstrap-server", bootstrap, "--topic-prefix", prefix, "--chunk-bytes", Integer.toString(budget.payloadBytes())};
        PipelineCommandsTest.Run created = PipelineCommandsTest.run(PipelineCommandsTest.concat(new String[] {"topics", "create"}, common));
        assertEquals(0, created.exit(), created.err());

        TopicNames topics = TopicNames.withPrefix(prefix);
        KafkaClientConfig kafka = KafkaClientConfig.of(bootstrap);
        MessageCodec codec = new MessageCodec();
        PublishResult published;
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer("test", budget))) {
            long now = System.currentTimeMillis();
            p.send(new ProducerRecord<>(topics.control(), "ck-big", codec.encode(CheckpointRequest.newBuilder().setCheckpointId("ck-big")
                    .setRequestedAtMs(now).setDeadlineMs(now + 20_000).setRequestedBy("test")
                    .setHosts(List.of(HostSelection.newBuilder().setHostId("h").setPids(List.of(1)).build()))
                    .setOptions(CheckpointOptions.newBuilder().build()).build()))).get();
            // one task of 20,000 fds: a task section of about 2 MB, cut into chunks of up to 2 MiB
            published = new HostStreamPublisher(p, topics.records(), budget, codec, FormatOptions.DEFAULT)
                    .publish(new StreamId("ck-big", "h", "r1"), new CapturedHost(SimulatedHost.image(0, 1, 20_000), now, true, 0, null));
        }
        assertTrue(published.largestMessageBytes() > ChunkBudget.DEFAULT.maxAcceptedMessageBytes(),
                "a message the default budget would refuse: " + published.largestMessageBytes());

        Path store = tmp.resolve("store");
        Path log = tmp.resolve("aggregator.log");
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "aggregator", "--store", store.toString()));
        cmd.addAll(List.of(common));
        Process agg = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Optional<CheckpointManifest> m = Optional.empty();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < end && agg.isAlive()) {
                if (Files.isDirectory(store)) m = new FileSystemImageStore(store).readManifest("ck-big");
                if (m.isPresent() && m.get().status().isFinal()) break;
                Thread.sleep(50);
            }
        } finally {
            agg.destroy();
            assertTrue(agg.waitFor(30, TimeUnit.SECONDS));
        }
        String out = Files.readString(log);
        assertEquals(CheckpointStatus.STORED, m.map(CheckpointManifest::status).orElse(null), out);
        assertEquals(20_000, m.get().host("h").orElseThrow().image().fdCount());
        assertTrue(out.contains("topics bigchunks.fleetckpt.records -> bigchunks.fleetckpt.images"), out);
        assertEquals(143, agg.exitValue(), "SIGTERM after a clean stop");
    }
}
