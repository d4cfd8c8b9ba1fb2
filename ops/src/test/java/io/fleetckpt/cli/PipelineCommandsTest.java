package io.fleetckpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.HostOutcome;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.ImageStatus;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka-side commands end to end on the embedded broker and a real process of this machine. */
@ExtendWith(EmbeddedKafkaExtension.class)
class PipelineCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void topicsCaptureTailAndCheckpointWait(@KafkaBootstrap String bootstrap, @TempDir Path tmp) throws Exception {
        String[] kafka = {"--bootstrap-server", bootstrap, "--topic-prefix", "cli."};
        Run created = run(concat(new String[] {"topics", "create", "--partitions", "2", "--json"}, kafka));
        assertEquals(0, created.exit(), created.err());
        assertEquals(4, JSON.readTree(created.out()).get("created").size());
        Run again = run(concat(new String[] {"topics", "create", "--partitions", "2"}, kafka));
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("cli.fleetckpt.records  exists, ready"), again.out());
        // asked for other than what exists: named, left as it is, exit 1
        Run other = run(concat(new String[] {"topics", "create", "--partitions", "3", "--json"}, kafka));
        assertEquals(1, other.exit(), other.err());
        JsonNode diffs = JSON.readTree(other.out()).get("differences");
        assertEquals(List.of("cli.fleetckpt.records partitions 2 3", "cli.fleetckpt.images partitions 2 3"),
                java.util.stream.StreamSupport.stream(diffs.spliterator(), false).map(d -> d.get("topic").asText() + " " + d.get("setting").asText() + " "
                        + d.get("found").asText() + " " + d.get("wanted").asText()).toList());
        assertTrue(other.err().contains("2 setting(s) of existing topics differ from what was asked"), other.err());

        Path file = Files.writeString(tmp.resolve("held.txt"), "x");
        Process child = new ProcessBuilder("sh", "-c", "exec 3<'" + file + "'; exec sleep 60").start();
        try {
            Thread.sleep(300);
            Run cap = run(concat(new String[] {"agent", "--host-id", "cli-h1", "--state-dir", tmp.resolve("state").toString(), "--json"}, kafka,
                    new String[] {"capture", "--checkpoint", "ck-cli-1", "--pid", Long.toString(child.pid())}));
            assertEquals(0, cap.exit(), cap.err() + cap.out());
            JsonNode outcome = JSON.readTree(cap.out());
            assertTrue(outcome.get("ok").asBoolean());
            assertEquals(4, outcome.get("fds").asInt(), "0-2 and the file");

            Run tail = run(concat(new String[] {"tail", "--records", "--from-beginning", "--json", "--max-messages", "3"}, kafka));
            assertEquals(0, tail.exit(), tail.err());
            List<JsonNode> msgs = new ArrayList<>();
            for (String line : tail.out().split("\n")) msgs.add(JSON.readTree(line));
            assertEquals(3, msgs.size());
            assertEquals("BEGIN", msgs.get(0).get("message").get("kind").asText());
            assertEquals(1, msgs.get(0).get("payload_records").get("counts").get("PIDS").asInt());
            assertEquals("ok", msgs.get(1).get("payload_records").get("crc").asText());
            assertEquals(4, msgs.get(1).get("payload_records").get("counts").get("FD_ENT").asInt());
            assertEquals("END", msgs.get(2).get("message").get("kind").asText());

            // a bad control message lands in the DLQ via a running agent; checkpoint --wait follows a request
            TopicNames topics = TopicNames.withPrefix("cli.");
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaClientConfig.of(bootstrap).producer("t", ChunkBudget.DEFAULT))) {
                p.send(new ProducerRecord<>(topics.control(), "junk", new byte[] {(byte) 0xC3, 0x01, 1})).get();
            }
            CompletableFuture<Run> agent = CompletableFuture.supplyAsync(() -> run(concat(
                    new String[] {"agent", "--host-id", "cli-h2", "--state-dir", tmp.resolve("state2").toString()}, kafka)));
            CompletableFuture<Run> wait = CompletableFuture.supplyAsync(() -> run(concat(new String[] {"checkpoint", "--host", "cli-h2",
                    "--tree", Long.toString(child.pid()), "--checkpoint-id", "ck-cli-2", "--deadline", "20s", "--wait", "--json"}, kafka)));
            // stand in for the aggregator (not part of this module): answer with an image event once END is out
            Run seen = run(concat(new String[] {"tail", "--records", "--from-beginning", "--json", "--idle-exit", "15s", "--max-messages", "6"}, kafka));
            assertTrue(seen.out().contains("\"checkpointId\":\"ck-cli-2\""), seen.out());
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaClientConfig.of(bootstrap).producer("t", ChunkBudget.DEFAULT))) {
                p.send(new ProducerRecord<>(topics.images(), "ck-cli-2/cli-h2", new MessageCodec().encode(stored("ck-cli-2", "cli-h2")))).get();
                Thread.sleep(300); // the checkpoint event comes after the image events, maybe in a later poll
                p.send(new ProducerRecord<>(topics.images(), "ck-cli-2", new MessageCodec().encode(allStored("ck-cli-2", "cli-h2")))).get();
            }
            Run waited = wait.get(60, TimeUnit.SECONDS);
            assertEquals(0, waited.exit(), waited.err() + waited.out());
            JsonNode verdict = JSON.readTree(waited.out());
            assertEquals("STORED", verdict.get("status").asText());
            assertEquals("published", verdict.get("hosts").get(0).get("stream").asText());
            assertEquals("/store/checkpoints/ck-cli-2/manifest.json", verdict.get("manifest").asText(), "the checkpoint event is waited for");
            assertTrue(waited.err().contains("cli-h2: END after"), waited.err());

            Run dlq = run(concat(new String[] {"tail", "--dlq", "--from-beginning", "--max-messages", "1"}, kafka));
            assertTrue(dlq.out().contains("DLQ[TRUNCATED"), dlq.out());
            assertTrue(dlq.out().contains("by agent:cli-h2"), dlq.out());
            assertTrue(!agent.isDone(), "the daemon keeps running");
        } finally {
            child.destroyForcibly();
        }
    }

    private static ImageEvent stored(String checkpoint, String host) {
        return ImageEvent.newBuilder().setCheckpointId(checkpoint).setHostId(host).setStatus(ImageStatus.STORED)
                .setLocation("/store/x").setSha256("ab").setSizeBytes(10).setTaskCount(1).setFdCount(4).setReason(null)
                .setEventTimeMs(System.currentTimeMillis()).build();
    }

    private static CheckpointEvent allStored(String checkpoint, String host) {
        return CheckpointEvent.newBuilder().setCheckpointId(checkpoint).setStatus(ImageStatus.STORED)
                .setManifestLocation("/store/checkpoints/" + checkpoint + "/manifest.json")
                .setHosts(List.of(HostOutcome.newBuilder().setHostId(host).setStatus(ImageStatus.STORED).setSha256("ab").build()))
                .setEventTimeMs(System.currentTimeMillis()).build();
    }

    /**
     * {@code tail --control} shows the request {@code checkpoint} sent, field by field;
     * {@code tail --images} the image and checkpoint events and, in place, a message that does
     * not decode; both as text and as one JSON object per line.
     */
    @Test
    void tailShowsControlAndImagesDecodedAsTextAndJson(@KafkaBootstrap String bootstrap) throws Exception {
        String[] kafka = {"--bootstrap-server", bootstrap, "--topic-prefix", "tail."};
        assertEquals(0, run(concat(new String[] {"topics", "create", "--partitions", "1"}, kafka)).exit());
        Run sent = run(concat(new String[] {"checkpoint", "--host", "th-1,th-2", "--pid", "4242", "--tree", "77", "--comm", "^web$",
                "--checkpoint-id", "ck-tail-1", "--deadline", "90s", "--no-freeze", "--json"}, kafka));
        assertEquals(0, sent.exit(), sent.err());
        assertTrue(JSON.readTree(sent.out()).get("sent").asBoolean(), sent.out());

        Run control = run(concat(new String[] {"tail", "--control", "--from-beginning", "--idle-exit", "20s", "--json", "--max-messages", "1"}, kafka));
        assertEquals(0, control.exit(), control.err());
        assertEquals(1, control.out().lines().count(), "the one request: " + control.out());
        JsonNode c = JSON.readTree(control.out());
        assertEquals("tail.fleetckpt.control", c.get("topic").asText());
        assertEquals(0, c.get("offset").asLong());
        assertEquals("ck-tail-1", c.get("key").asText(), "keyed by checkpoint id");
        assertEquals("io.fleetckpt.messages.CheckpointRequest", c.get("type").asText());
        JsonNode req = c.get("message");
        assertEquals("ck-tail-1", req.get("checkpointId").asText());
        assertEquals(90_000, req.get("deadlineMs").asLong() - req.get("requestedAtMs").asLong(), "--deadline 90s");
        assertEquals(2, req.get("hosts").size());
        for (int i = 0; i < 2; i++) {
            JsonNode h = req.get("hosts").get(i);
            assertEquals("th-" + (i + 1), h.get("hostId").asText());
            assertEquals("[4242]", h.get("pids").toString());
            assertEquals("[77]", h.get("trees").toString());
            assertEquals("[\"^web$\"]", h.get("commPatterns").toString());
        }
        assertEquals(false, req.get("options").get("freeze").asBoolean(), "--no-freeze");
        Run controlText = run(concat(new String[] {"tail", "--control", "--from-beginning", "--idle-exit", "20s", "--max-messages", "1"}, kafka));
        assertEquals(0, controlText.exit(), controlText.err());
        assertTrue(controlText.out().startsWith("tail.fleetckpt.control-0@0 key=ck-tail-1 CheckpointRequest {\"checkpointId\":\"ck-tail-1\""),
                controlText.out());

        TopicNames topics = TopicNames.withPrefix("tail.");
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaClientConfig.of(bootstrap).producer("t", ChunkBudget.DEFAULT))) {
            p.send(new ProducerRecord<>(topics.images(), "ck-tail-1/th-1", new MessageCodec().encode(stored("ck-tail-1", "th-1")))).get();
            p.send(new ProducerRecord<>(topics.images(), "ck-tail-1", new MessageCodec().encode(allStored("ck-tail-1", "th-1")))).get();
            p.send(new ProducerRecord<>(topics.images(), "junk", new byte[] {1, 2, 3})).get();
        }
        Run images = run(concat(new String[] {"tail", "--images", "--from-beginning", "--idle-exit", "20s", "--json", "--max-messages", "3"}, kafka));
        assertEquals(0, images.exit(), images.err());
        List<JsonNode> ev = new ArrayList<>();
        for (String line : images.out().split("\n")) ev.add(JSON.readTree(line));
        assertEquals(3, ev.size(), images.out());
        assertEquals("io.fleetckpt.messages.ImageEvent", ev.get(0).get("type").asText());
        assertEquals("STORED", ev.get(0).get("message").get("status").asText());
        assertEquals("th-1", ev.get(0).get("message").get("hostId").asText());
        assertEquals(4, ev.get(0).get("message").get("fdCount").asInt());
        assertEquals("/store/x", ev.get(0).get("message").get("location").asText());
        assertEquals("io.fleetckpt.messages.CheckpointEvent", ev.get(1).get("type").asText());
        assertEquals("/store/checkpoints/ck-tail-1/manifest.json", ev.get(1).get("message").get("manifestLocation").asText());
        assertEquals("th-1", ev.get(1).get("message").get("hosts").get(0).get("hostId").asText());
        assertEquals(2, ev.get(2).get("offset").asLong());
        assertEquals(3, ev.get(2).get("bytes").asInt());
        assertTrue(ev.get(2).hasNonNull("decode_error") && !ev.get(2).has("message"), ev.get(2).toString());
        Run imagesText = run(concat(new String[] {"tail", "--images", "--from-beginning", "--idle-exit", "20s", "--max-messages", "3"}, kafka));
        String[] lines = imagesText.out().split("\n");
        assertEquals(3, lines.length, imagesText.out());
        assertTrue(lines[0].startsWith("tail.fleetckpt.images-0@0 key=ck-tail-1/th-1 ImageEvent {\"checkpointId\":\"ck-tail-1\""), lines[0]);
        assertTrue(lines[1].startsWith("tail.fleetckpt.images-0@1 key=ck-tail-1 CheckpointEvent {"), lines[1]);
        assertTrue(lines[2].startsWith("tail.fleetckpt.images-0@2 key=junk UNDECODABLE 3 bytes: "), lines[2]);
    }

    @Test
    void missingTopicsAndBadSelectionsAreClearErrors(@KafkaBootstrap String bootstrap) throws Exception {
        Run r = run("agent", "--bootstrap-server", bootstrap, "--topic-prefix", "none.", "capture", "--checkpoint", "x", "--pid", "1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("topics create"), r.err());
        Run s = run("checkpoint", "--bootstrap-server", bootstrap, "--host", "h");
        assertEquals(2, s.exit());
        assertTrue(s.err().contains("select something"), s.err());

        // no topics: one line from the topic check, made before any producer exists, so there is
        // no 60 s metadata wait (nor, on a lax broker, an auto-created topic): every Kafka client
        // registers its app-info MBean when it is constructed, and none of a producer appears
        List<javax.management.ObjectName> registered = new java.util.concurrent.CopyOnWriteArrayList<>();
        javax.management.NotificationListener onRegister = (n, handback) -> {
            if (n instanceof javax.management.MBeanServerNotification m
                    && javax.management.MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(m.getType())) {
                registered.add(m.getMBeanName());
            }
        };
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        jmx.addNotificationListener(javax.management.MBeanServerDelegate.DELEGATE_NAME, onRegister, null, null);
        Run noTopics;
        try {
            noTopics = run("checkpoint", "--bootstrap-server", bootstrap, "--topic-prefix", "none.", "--host", "h", "--pid", "1");
        } finally {
            jmx.removeNotificationListener(javax.management.MBeanServerDelegate.DELEGATE_NAME, onRegister);
        }
        assertEquals(2, noTopics.exit());
        assertEquals("fleetckpt checkpoint: error: topics [none.fleetckpt.control, none.fleetckpt.records, none.fleetckpt.images, "
                + "none.fleetckpt.dlq] do not exist (create them with `fleetckpt topics create --bootstrap-server " + bootstrap
                + " --topic-prefix none.`)\n", noTopics.err());
        java.util.Set<String> clients = new java.util.TreeSet<>();
        for (javax.management.ObjectName n : registered) {
            if (n.getDomain().startsWith("kafka.") && "app-info".equals(n.getKeyProperty("type"))) clients.add(n.getDomain());
        }
        assertEquals(java.util.Set.of("kafka.admin.client"), clients, "the topic check's admin client only, no producer");
        Run agg = run("aggregator", "--bootstrap-server", bootstrap, "--topic-prefix", "none.", "--no-create-topics",
                "--store", System.getProperty("java.io.tmpdir") + "/fleetckpt-no-topics-store");
        assertEquals(2, agg.exit());
        assertTrue(agg.err().contains("none.fleetckpt.records") && agg.err().contains("do not exist"), agg.err());

        // ids the aggregator would refuse are refused before anything is frozen for them
        Run badHost = run("checkpoint", "--bootstrap-server", bootstrap, "--host", "web-1,../../etc", "--pid", "1");
        assertEquals(2, badHost.exit());
        assertTrue(badHost.err().contains("invalid --host \"../../etc\""), badHost.err());
        Run badId = run("checkpoint", "--bootstrap-server", bootstrap, "--host", "h", "--pid", "1", "--checkpoint-id", "ck:1");
        assertEquals(2, badId.exit());
        assertTrue(badId.err().contains("invalid --checkpoint-id \"ck:1\""), badId.err());
        Run badAgent = run("agent", "--bootstrap-server", bootstrap, "--host-id", "a/b", "capture", "--checkpoint", "x", "--pid", "1");
        assertEquals(2, badAgent.exit());
        assertTrue(badAgent.err().contains("invalid --host-id \"a/b\""), badAgent.err());
    }

    /**
     * A killed agent's leftovers (a frozen cgroup of its own holding a moved process, and its
     * state file) are undone when the next agent starts, before it looks for the broker's topics:
     * here the topics are missing, the agent gives up (exit 2), and the process runs again anyway.
     */
    @Test
    void agentStartThawsWhatADeadAgentLeftFrozenEvenWhenItCannotGoOn(@KafkaBootstrap String bootstrap, @TempDir Path tmp)
            throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "freezing needs root");
        Path v2 = io.fleetckpt.agent.freeze.CgroupMounts.detect().v2();
        org.junit.jupiter.api.Assumptions.assumeTrue(v2 != null, "no cgroup v2 mount");
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        Path left = v2.resolve("fleetckpt-test-dead-agent-" + sleeper.pid());
        try {
            Path origin = io.fleetckpt.agent.freeze.CgroupMounts.detect().v2CgroupOf((int) sleeper.pid());
            Files.createDirectory(left);
            Files.writeString(left.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
            Files.writeString(left.resolve("cgroup.freeze"), "1");
            for (int i = 0; i < 2000 && !Files.readString(left.resolve("cgroup.events")).contains("frozen 1"); i++) Thread.sleep(1);
            assertTrue(Files.readString(left.resolve("cgroup.events")).contains("frozen 1"), "test setup: frozen");
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            Path state = Files.createDirectories(tmp.resolve("state"));
            String[] stat = Files.readString(Path.of("/proc", Long.toString(sleeper.pid()), "stat")).split("\\) ", 2)[1].split(" ");
            Files.write(state.resolve("freeze-" + gone.pid() + ".state"), List.of(
                    "owner " + gone.pid() + " 0",
                    "created v2 " + left,
                    "moved " + sleeper.pid() + " " + stat[22 - 3] + " " + origin.resolve("cgroup.procs")));

            Run r = run("agent", "--bootstrap-server", bootstrap, "--topic-prefix", "none.", "--state-dir", state.toString());
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("fleetckpt agent: recovery: moved pid " + sleeper.pid() + " back to "), r.err());
            assertTrue(r.err().contains("topics create"), r.err());
            assertEquals(origin, io.fleetckpt.agent.freeze.CgroupMounts.detect().v2CgroupOf((int) sleeper.pid()), "back in its cgroup");
            assertTrue(Files.notExists(left), "the dead agent's cgroup removed");
            try (var l = Files.list(state)) {
                assertEquals(0, l.count(), "state file removed");
            }
        } finally {
            sleeper.destroyForcibly().waitFor();
            if (Files.exists(left)) {
                Files.writeString(left.resolve("cgroup.freeze"), "0");
                Files.deleteIfExists(left);
            }
        }
    }

    static String[] concat(String[]... parts) {
        List<String> all = new ArrayList<>();
        for (String[] p : parts) all.addAll(List.of(p));
        return all.toArray(String[]::new);
    }
}
