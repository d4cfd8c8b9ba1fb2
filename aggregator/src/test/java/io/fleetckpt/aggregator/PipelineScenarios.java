package io.fleetckpt.aggregator;

import io.fleetckpt.agent.daemon.AgentRuntime;
import io.fleetckpt.agent.daemon.LocalHostCapturer;
import io.fleetckpt.aggregator.StreamMessages.Msg;
import io.fleetckpt.aggregator.consume.AggregatorService;
import io.fleetckpt.aggregator.dlq.KafkaDlqSink;
import io.fleetckpt.aggregator.simulate.SimulatedHost;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.codec.DecodedMessage;
import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.CheckpointStatus;
import io.fleetckpt.store.HostEntry;
import io.fleetckpt.store.HostStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pipeline scenarios of issue 4 against a real broker, shared by the embedded-broker test and
 * the Testcontainers suite. Each scenario uses its own topics, store and aggregator.
 */
final class PipelineScenarios {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private PipelineScenarios() {
    }

    /** Several agents (distinct host ids) capture real processes; the stored images match them. */
    static void agentsOnRealProcesses(String bootstrap, Path dir) throws Exception {
        List<Process> procs = new ArrayList<>();
        List<AgentRuntime> agents = new ArrayList<>();
        List<LocalHostCapturer> capturers = new ArrayList<>();
        try (PipelineHarness h = new PipelineHarness(bootstrap, dir)) {
            List<HostSelection> hosts = new ArrayList<>();
            Map<String, Long> pidOf = new TreeMap<>();
            for (String host : List.of("host-a", "host-b", "host-c")) {
                Path data = Files.writeString(dir.resolve(host + ".data"), "0123456789abcdef\n".repeat(8));
                Path log = dir.resolve(host + ".log");
                // 3: append-mode log at 6 bytes, 4: the data file read 17 bytes in, 5: a dup of 3, 6: a directory
                Process p = new ProcessBuilder("sh", "-c", "exec 3>>'" + log + "'; printf hello >&3; exec 4<'" + data
                        + "'; read -r x <&4; exec 5>&3 6<'" + dir + "'; echo ready; exec sleep 120").start();
                procs.add(p);
                assertEquals("ready", new String(p.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                Thread.sleep(100); // let the exec of sleep happen
                pidOf.put(host, p.pid());
                hosts.add(PipelineHarness.host(host, (int) p.pid()));
                LocalHostCapturer c = new LocalHostCapturer(dir.resolve("state-" + host), 1);
                capturers.add(c);
                AgentRuntime a = new AgentRuntime(h.kafka, h.topics, PipelineHarness.BUDGET, host, c, FormatOptions.DEFAULT);
                agents.add(a);
                a.startDaemon("agent-" + host);
            }
            h.startAggregator();
            h.request("ck-real", System.currentTimeMillis() + 60_000, hosts);
            CheckpointManifest m = h.awaitFinal("ck-real", WAIT);
            assertEquals(CheckpointStatus.STORED, m.status(), m.toString());
            for (HostEntry e : m.hosts()) {
                Image image;
                try (InputStream in = h.store.openBlob(e.image().sha256())) {
                    image = ImageReader.readImage(in);
                }
                assertMatchesLiveProcess(image, pidOf.get(e.hostId()));
            }
            List<ConsumerRecord<byte[], byte[]>> events = h.readAll(h.topics.images(), 4, WAIT);
            long imageEvents = events.stream().filter(r -> decode(h, r).message() instanceof ImageEvent).count();
            long checkpointEvents = events.stream().filter(r -> decode(h, r).message() instanceof CheckpointEvent).count();
            assertEquals(3, imageEvents);
            assertEquals(1, checkpointEvents);
            // one partition per checkpoint, the one its id hashes to; the checkpoint event comes last
            int expectedPartition = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                    "ck-real".getBytes(StandardCharsets.UTF_8))) % h.partitionsOf(h.topics.images());
            assertTrue(events.stream().allMatch(r -> r.partition() == expectedPartition), "partitions of " + events);
            ConsumerRecord<byte[], byte[]> last = events.stream().max(java.util.Comparator.comparingLong(ConsumerRecord::offset)).orElseThrow();
            assertTrue(decode(h, last).message() instanceof CheckpointEvent, "the checkpoint event follows its image events");
        } finally {
            for (AgentRuntime a : agents) a.close();
            for (LocalHostCapturer c : capturers) c.close();
            for (Process p : procs) p.destroyForcibly();
        }
    }

    /** Chunks of several hosts interleaved in a random order, with duplicates, through the broker. */
    static void interleavedAndDuplicated(String bootstrap, Path dir) throws Exception {
        try (PipelineHarness h = new PipelineHarness(bootstrap, dir)) {
            List<Msg> all = new ArrayList<>();
            Map<String, String> expected = new TreeMap<>();
            List<HostSelection> hosts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String host = "sim-" + i;
                Image image = SimulatedHost.image(i, 5, 200);
                all.addAll(StreamMessages.publish("ck-mix", host, "run-1", image));
                expected.put(host, sha(ImageWriter.toBytes(ImageReader.readImage(ImageWriter.toBytes(image)))));
                hosts.add(PipelineHarness.host(host, 1000));
            }
            all.addAll(all.subList(2, 9)); // resends
            Collections.shuffle(all, new Random(42));
            h.startAggregator();
            h.request("ck-mix", System.currentTimeMillis() + 60_000, hosts);
            for (Msg m : all) h.send(h.topics.records(), m.key(), m.value());
            CheckpointManifest m = h.awaitFinal("ck-mix", WAIT);
            assertEquals(CheckpointStatus.STORED, m.status(), m.toString());
            Map<String, String> got = new TreeMap<>();
            for (HostEntry e : m.hosts()) got.put(e.hostId(), e.image().sha256());
            assertEquals(expected, got, "same bytes as the in-order encoding");
        }
    }

    /** A host that never sends END and one that sends nothing fail at the deadline; the rest is stored. */
    static void deadline(String bootstrap, Path dir) throws Exception {
        try (PipelineHarness h = new PipelineHarness(bootstrap, dir)) {
            List<Msg> complete = StreamMessages.publish("ck-late", "on-time", "r", SimulatedHost.image(0, 2, 50));
            List<Msg> noEnd = StreamMessages.publish("ck-late", "no-end", "r", SimulatedHost.image(1, 2, 50));
            h.startAggregator();
            h.request("ck-late", System.currentTimeMillis() + 3_000, List.of(PipelineHarness.host("on-time", 1000),
                    PipelineHarness.host("no-end", 1000), PipelineHarness.host("silent", 1000)));
            for (Msg m : complete) h.send(h.topics.records(), m.key(), m.value());
            for (Msg m : noEnd.subList(0, noEnd.size() - 1)) h.send(h.topics.records(), m.key(), m.value());
            CheckpointManifest m = h.awaitFinal("ck-late", WAIT);
            assertEquals(CheckpointStatus.PARTIAL, m.status(), m.toString());
            assertEquals(HostStatus.STORED, m.host("on-time").orElseThrow().status());
            String noEndReason = m.host("no-end").orElseThrow().reason();
            assertTrue(noEndReason.contains("deadline passed") && noEndReason.contains("no END"), noEndReason);
            assertTrue(m.host("silent").orElseThrow().reason().contains("no chunk received"));
        }
    }

    /** A corrupt chunk and a non-Avro message go to the DLQ with their bytes; the other hosts are stored. */
    static void corruptChunkToDlq(String bootstrap, Path dir) throws Exception {
        try (PipelineHarness h = new PipelineHarness(bootstrap, dir)) {
            List<Msg> good1 = StreamMessages.publish("ck-bad", "good-1", "r", SimulatedHost.image(0, 2, 60));
            List<Msg> good2 = StreamMessages.publish("ck-bad", "good-2", "r", SimulatedHost.image(1, 2, 60));
            List<Msg> bad = new ArrayList<>(StreamMessages.publish("ck-bad", "bad", "r", SimulatedHost.image(2, 2, 60)));
            Msg corrupt = StreamMessages.corrupt(bad.get(1), 100);
            bad.set(1, corrupt);
            byte[] junk = "definitely not avro".getBytes(StandardCharsets.US_ASCII);
            h.startAggregator();
            h.request("ck-bad", System.currentTimeMillis() + 60_000, List.of(PipelineHarness.host("good-1", 1000),
                    PipelineHarness.host("good-2", 1000), PipelineHarness.host("bad", 1000)));
            h.send(h.topics.records(), "ck-bad".getBytes(StandardCharsets.UTF_8), junk);
            for (List<Msg> s : List.of(good1, bad, good2)) for (Msg m : s) h.send(h.topics.records(), m.key(), m.value());
            CheckpointManifest m = h.awaitFinal("ck-bad", WAIT);
            assertEquals(CheckpointStatus.PARTIAL, m.status(), m.toString());
            assertEquals(HostStatus.STORED, m.host("good-1").orElseThrow().status());
            assertEquals(HostStatus.STORED, m.host("good-2").orElseThrow().status());
            assertTrue(m.host("bad").orElseThrow().reason().contains("CRC32C mismatch"));

            List<ConsumerRecord<byte[], byte[]>> dead = h.readAll(h.topics.dlq(), 2, WAIT);
            assertEquals(2, dead.size());
            ConsumerRecord<byte[], byte[]> crc = dead.stream().filter(r -> "CRC_MISMATCH".equals(header(r, KafkaDlqSink.H_KIND))).findFirst().orElseThrow();
            assertArrayEquals(corrupt.value(), crc.value(), "original bytes kept");
            assertEquals("bad", header(crc, KafkaDlqSink.H_HOST));
            assertEquals("1", header(crc, KafkaDlqSink.H_SEQUENCE));
            assertTrue(header(crc, KafkaDlqSink.H_REASON).contains("CRC32C mismatch"));
            ConsumerRecord<byte[], byte[]> undecodable = dead.stream().filter(r -> "UNDECODABLE".equals(header(r, KafkaDlqSink.H_KIND))).findFirst().orElseThrow();
            assertArrayEquals(junk, undecodable.value());
        }
    }

    /**
     * The aggregator dies (no flush, no commit) in the middle of a checkpoint and a new one takes
     * over: identical image bytes, nothing lost, nothing stored twice.
     */
    static void crashAndRestart(String bootstrap, Path dir) throws Exception {
        try (PipelineHarness h = new PipelineHarness(bootstrap, dir)) {
            Image i1 = SimulatedHost.image(1, 3, 150);
            Image i2 = SimulatedHost.image(2, 3, 150);
            List<Msg> s1 = StreamMessages.publish("ck-crash", "first", "r", i1);
            List<Msg> s2 = StreamMessages.publish("ck-crash", "second", "r", i2);
            AggregatorService before = h.startAggregator();
            h.request("ck-crash", System.currentTimeMillis() + 60_000, List.of(PipelineHarness.host("first", 1000),
                    PipelineHarness.host("second", 1000)));
            int half = s2.size() / 2;
            for (Msg m : s2.subList(0, half)) h.send(h.topics.records(), m.key(), m.value());
            for (Msg m : s1) h.send(h.topics.records(), m.key(), m.value());
            long end = System.nanoTime() + WAIT.toNanos();
            while (h.store.readManifest("ck-crash").flatMap(x -> x.host("first")).map(x -> x.status() != HostStatus.STORED).orElse(true)) {
                assertTrue(System.nanoTime() < end, "first host not stored");
                Thread.sleep(20);
            }
            before.crash();
            for (Msg m : s2.subList(half, s2.size())) h.send(h.topics.records(), m.key(), m.value());
            h.startAggregator();
            CheckpointManifest m = h.awaitFinal("ck-crash", WAIT);
            assertEquals(CheckpointStatus.STORED, m.status(), m.toString());
            assertEquals(sha(ImageWriter.toBytes(ImageReader.readImage(ImageWriter.toBytes(i1)))), m.host("first").orElseThrow().image().sha256());
            assertEquals(sha(ImageWriter.toBytes(ImageReader.readImage(ImageWriter.toBytes(i2)))), m.host("second").orElseThrow().image().sha256());
            try (Stream<Path> blobs = Files.walk(h.storeDir.resolve("blobs"))) {
                assertEquals(2, blobs.filter(Files::isRegularFile).count(), "each image stored once");
            }
            List<ConsumerRecord<byte[], byte[]>> events = h.readAll(h.topics.images(), 3, WAIT);
            long firstEvents = events.stream().map(r -> decode(h, r).message())
                    .filter(x -> x instanceof ImageEvent e && e.getHostId().equals("first")).count();
            assertEquals(1, firstEvents, "the first host is not reported twice");
        }
    }

    /**
     * The aggregator runs as a process of its own and dies by SIGKILL in the middle of a
     * checkpoint, one host stored and the other half assembled. Its group's committed offset
     * stays at the unfinished stream's first chunk; a new process of the group stores the image
     * the in-order encoding gives, and the stored host is neither stored nor reported again.
     */
    static void aggregatorProcessKilled(String bootstrap, Path dir) throws Exception {
        try (PipelineHarness h = new PipelineHarness(bootstrap, dir)) {
            Image[] images = {SimulatedHost.image(3, 3, 150), SimulatedHost.image(4, 4, 150)};
            List<Msg> s1 = StreamMessages.publish("ck-kill", "first", "r", images[0]);
            List<Msg> s2 = StreamMessages.publish("ck-kill", "second", "r", images[1]);
            assertTrue(s2.size() > 4, "the unfinished stream spans several chunks: " + s2.size());
            String group = "agg-proc-" + h.topics.records();
            Path log = dir.resolve("aggregator.log");
            h.request("ck-kill", System.currentTimeMillis() + 120_000, List.of(PipelineHarness.host("first", 1000),
                    PipelineHarness.host("second", 1000)));
            int half = s2.size() / 2;
            RecordMetadata unfinished = null;
            for (Msg m : s2.subList(0, half)) {
                RecordMetadata md = h.send(h.topics.records(), m.key(), m.value());
                if (unfinished == null) unfinished = md;
            }
            for (Msg m : s1) h.send(h.topics.records(), m.key(), m.value());

            Process first = AggregatorProcess.start(bootstrap, h.topics, h.storeDir, group, log);
            try {
                long end = System.nanoTime() + WAIT.toNanos();
                while (h.store.readManifest("ck-kill").flatMap(x -> x.host("first")).map(x -> x.status() != HostStatus.STORED).orElse(true)) {
                    assertTrue(first.isAlive() && System.nanoTime() < end, () -> "first host not stored; aggregator log: " + read(log));
                    Thread.sleep(20);
                }
                // the commit after that manifest: up to the unfinished stream's first chunk, never past it
                while (h.committed(group, unfinished.partition()) < unfinished.offset()) {
                    assertTrue(System.nanoTime() < end, "no commit after the first image");
                    Thread.sleep(20);
                }
                assertEquals(unfinished.offset(), h.committed(group, unfinished.partition()));
                // and that flush delivered its events (the outbox is deleted only then): a kill
                // before that would rightly announce them again (events are at least once)
                while (outboxHolds(h.storeDir)) {
                    assertTrue(System.nanoTime() < end, "the first image's events were never seen delivered");
                    Thread.sleep(20);
                }
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no commit, no leave-group
                first.waitFor();
            }
            assertEquals(128 + 9, first.exitValue(), "killed by SIGKILL");
            assertEquals(unfinished.offset(), h.committed(group, unfinished.partition()), "nothing committed past it");

            for (Msg m : s2.subList(half, s2.size())) h.send(h.topics.records(), m.key(), m.value());
            for (Msg m : s2.subList(0, 2)) h.send(h.topics.records(), m.key(), m.value()); // an agent's retries
            Process second = AggregatorProcess.start(bootstrap, h.topics, h.storeDir, group, log);
            CheckpointManifest m;
            try {
                m = h.awaitFinal("ck-kill", WAIT.plusSeconds(AggregatorProcess.SESSION_TIMEOUT_MS / 1000));
            } finally {
                second.destroy();
                second.waitFor();
            }
            assertEquals(CheckpointStatus.STORED, m.status(), m.toString());
            assertEquals(sha(ImageWriter.toBytes(ImageReader.readImage(ImageWriter.toBytes(images[0])))), m.host("first").orElseThrow().image().sha256());
            assertEquals(sha(ImageWriter.toBytes(ImageReader.readImage(ImageWriter.toBytes(images[1])))), m.host("second").orElseThrow().image().sha256());
            try (Stream<Path> blobs = Files.walk(h.storeDir.resolve("blobs"))) {
                assertEquals(2, blobs.filter(Files::isRegularFile).count(), "each image stored once");
            }
            // exactly two image events and one checkpoint event, however long one waits for more
            List<ConsumerRecord<byte[], byte[]>> events = h.readAll(h.topics.images(), 3, WAIT, Duration.ofSeconds(2));
            assertEquals(3, events.size(), () -> "events " + events.stream().map(r -> decode(h, r).message().toString()).toList());
        }
    }

    private static boolean outboxHolds(Path storeDir) throws java.io.IOException {
        try (Stream<Path> files = Files.list(storeDir.resolve("outbox"))) {
            return files.findAny().isPresent();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void assertMatchesLiveProcess(Image image, long pid) throws Exception {
        assertEquals(1, image.tasks().size());
        Task t = image.tasks().get(0);
        assertEquals(pid, t.info().pid());
        Set<Integer> live = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds.forEach(p -> live.add(Integer.parseInt(p.getFileName().toString())));
        }
        Set<Integer> captured = new TreeSet<>();
        for (FdEntry e : t.fds()) captured.add(e.fd());
        assertEquals(live, captured, "fd numbers of pid " + pid);
        for (FdEntry e : t.fds()) {
            OpenFile f = image.file(e);
            String target = Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + e.fd())).toString();
            assertEquals(target, f.path().utf8Lossy(), "path of fd " + e.fd());
            long pos = Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + e.fd())).stream()
                    .filter(l -> l.startsWith("pos:")).mapToLong(l -> Long.parseLong(l.substring(4).trim())).findFirst().orElseThrow();
            assertEquals(pos, f.pos(), "position of fd " + e.fd());
        }
        int ref3 = t.fds().stream().filter(e -> e.fd() == 3).findFirst().orElseThrow().objref();
        int ref4 = t.fds().stream().filter(e -> e.fd() == 4).findFirst().orElseThrow().objref();
        int ref5 = t.fds().stream().filter(e -> e.fd() == 5).findFirst().orElseThrow().objref();
        assertEquals(ref3, ref5, "fd 5 is a dup of fd 3: one open file description");
        assertNotEquals(ref3, ref4);
        assertEquals(5, image.openFiles().get(ref3).pos());
        assertEquals(17, image.openFiles().get(ref4).pos());
    }

    private static DecodedMessage decode(PipelineHarness h, ConsumerRecord<byte[], byte[]> r) {
        try {
            return h.codec.decode(r.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header hd = r.headers().lastHeader(name);
        return hd == null ? null : new String(hd.value(), StandardCharsets.UTF_8);
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
