package io.fleetckpt.aggregator;

import io.fleetckpt.aggregator.StreamMessages.Msg;
import io.fleetckpt.aggregator.dlq.DeadLetter;
import io.fleetckpt.aggregator.reassemble.ReassemblyLimits;
import io.fleetckpt.aggregator.simulate.SimulatedHost;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.record.FdDataRecord;
import io.fleetckpt.format.record.RecordType;
import io.fleetckpt.messages.ImageStatus;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.codec.MessageIds;
import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.CheckpointStatus;
import io.fleetckpt.store.FileSystemImageStore;
import io.fleetckpt.store.HostEntry;
import io.fleetckpt.store.HostStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The aggregator core driven without a broker, with real host streams from the agent's publisher. */
class AggregatorCoreTest {
    private static final long FAR = 4_000_000_000_000L;
    @TempDir
    Path dir;

    private final RecordingSinks sinks = new RecordingSinks();
    private long now = 1_796_000_000_000L;

    private AggregatorCore core(Path storeDir) throws IOException {
        return new AggregatorCore(new FileSystemImageStore(storeDir), sinks, sinks, "records", "control",
                ReassemblyLimits.DEFAULT, FormatOptions.DEFAULT, StreamMessages.CODEC, () -> now);
    }

    private static void feed(AggregatorCore core, List<Msg> msgs, long firstOffset) throws IOException {
        for (int i = 0; i < msgs.size(); i++) core.onRecord(0, firstOffset + i, msgs.get(i).key(), msgs.get(i).value());
    }

    private static Map<String, List<Msg>> threeHosts(String ckpt) {
        Map<String, List<Msg>> m = new TreeMap<>();
        for (int h = 0; h < 3; h++) m.put("host-" + h, StreamMessages.publish(ckpt, "host-" + h, "run-1", SimulatedHost.image(h, 4, 300)));
        return m;
    }

    private static byte[] blob(FileSystemImageStore store, HostEntry h) throws IOException {
        try (InputStream in = store.openBlob(h.image().sha256())) {
            return in.readAllBytes();
        }
    }

    @Test
    void hostsInterleavedWithDuplicatesInAnyOrderGiveIdenticalImagesThatMatchTheCapture() throws IOException {
        Map<String, List<Msg>> hosts = threeHosts("ck-1");
        assertTrue(hosts.get("host-0").size() > 5, "the images span several chunks");

        Map<String, String> reference = null;
        for (long seed = 0; seed < 6; seed++) {
            Path storeDir = dir.resolve("store-" + seed);
            AggregatorCore core = core(storeDir);
            core.onControl(0, 0, null, StreamMessages.request("ck-1", FAR, "host-0", "host-1", "host-2"));
            List<Msg> all = new ArrayList<>();
            hosts.values().forEach(all::addAll);
            if (seed > 0) {
                all.addAll(hosts.get("host-1").subList(1, 4)); // producer retries / resends
                Collections.shuffle(all, new Random(seed));
            }
            feed(core, all, 0);
            core.flush();
            assertEquals(0, core.bufferedBytes());
            FileSystemImageStore store = new FileSystemImageStore(storeDir);
            CheckpointManifest m = store.readManifest("ck-1").orElseThrow();
            assertEquals(CheckpointStatus.STORED, m.status(), m.toString());
            Map<String, String> shas = new TreeMap<>();
            for (HostEntry h : m.hosts()) {
                assertEquals(HostStatus.STORED, h.status());
                shas.put(h.hostId(), h.image().sha256());
                int index = Integer.parseInt(h.hostId().substring(5));
                Image expected = ImageReader.readImage(ImageWriter.toBytes(SimulatedHost.image(index, 4, 300)));
                assertEquals(expected, ImageReader.readImage(blob(store, h)), "decoded image of " + h.hostId());
                assertEquals(4, h.image().taskCount());
                assertEquals(1200, h.image().fdCount());
                assertEquals(expected.openFiles().size(), h.image().openFileCount());
                assertTrue(h.image().frozen());
                assertEquals(420, h.image().frozenWindowUs());
            }
            if (reference == null) reference = shas;
            assertEquals(reference, shas, "seed " + seed);
        }
        assertEquals(3 * 6, sinks.images.size());
        assertEquals(6, sinks.checkpoints.size());
        assertTrue(sinks.checkpoints.stream().allMatch(e -> e.getStatus() == ImageStatus.STORED));
        assertTrue(sinks.dead.isEmpty());
    }

    @Test
    void anUnreadableManifestInTheStoreIsLeftAloneAndStopsNoOtherCheckpoint() throws IOException {
        Path bad = new FileSystemImageStore(dir).manifestFile("ck-bad");
        Files.createDirectories(bad.getParent());
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(bad.toFile(), "rw")) {
            raf.setLength(1L << 30); // over the bound: damaged, or not written by an aggregator
        }
        AggregatorCore core = core(dir);
        core.onControl(0, 0, null, StreamMessages.request("ck-bad", FAR, "host-0"));
        core.onControl(0, 1, null, StreamMessages.request("ck-ok", FAR, "host-0"));
        List<Msg> badStream = StreamMessages.publish("ck-bad", "host-0", "run-1", SimulatedHost.image(0, 2, 10));
        feed(core, badStream, 0);
        feed(core, StreamMessages.publish("ck-ok", "host-0", "run-1", SimulatedHost.image(1, 2, 10)), 100);
        core.flush();

        FileSystemImageStore store = new FileSystemImageStore(dir);
        assertEquals(CheckpointStatus.STORED, store.readManifest("ck-ok").orElseThrow().status(), "the other checkpoint goes on");
        assertEquals(1L << 30, Files.size(bad), "the unreadable manifest is not overwritten");
        try (Stream<Path> blobs = Files.walk(dir.resolve("blobs"))) {
            assertEquals(2, blobs.filter(Files::isRegularFile).count(),
                    "ck-bad's image is stored too (and its digest logged), though no manifest can list it");
        }
    }

    @Test
    void corruptChunkGoesToTheDlqWithItsOriginalBytesAndFailsOnlyItsHost() throws IOException {
        Map<String, List<Msg>> hosts = threeHosts("ck-2");
        List<Msg> b = new ArrayList<>(hosts.get("host-1"));
        Msg bad = StreamMessages.corrupt(b.get(2), 40);
        b.set(2, bad);
        hosts.put("host-1", b);
        AggregatorCore core = core(dir);
        core.onControl(0, 0, null, StreamMessages.request("ck-2", FAR, "host-0", "host-1", "host-2"));
        List<Msg> all = new ArrayList<>();
        hosts.values().forEach(all::addAll);
        feed(core, all, 100);
        core.flush();

        assertEquals(1, sinks.dead.size());
        DeadLetter d = sinks.dead.get(0);
        assertArrayEquals(bad.value(), d.value(), "original bytes");
        assertEquals("CRC_MISMATCH", d.kind());
        assertEquals("host-1", d.hostId());
        assertEquals(2L, d.sequence());
        assertFalse(d.reencoded());
        assertTrue(d.reason().contains("CRC32C mismatch"), d.reason());

        CheckpointManifest m = new FileSystemImageStore(dir).readManifest("ck-2").orElseThrow();
        assertEquals(CheckpointStatus.PARTIAL, m.status());
        assertEquals(HostStatus.STORED, m.host("host-0").orElseThrow().status());
        assertEquals(HostStatus.STORED, m.host("host-2").orElseThrow().status());
        HostEntry failed = m.host("host-1").orElseThrow();
        assertEquals(HostStatus.FAILED, failed.status());
        assertTrue(failed.reason().contains("checkpoint ck-2 host host-1 run run-1 sequence 2"), failed.reason());
    }

    @Test
    void aDamagedResendOfAStoredStreamIsADeadLetterAndTheStoredHostStays() throws IOException {
        List<Msg> msgs = StreamMessages.publish("ck-late", "h", "run-1", SimulatedHost.image(1, 2, 50));
        AggregatorCore core = core(dir);
        core.onControl(0, 0, null, StreamMessages.request("ck-late", FAR, "h"));
        feed(core, msgs, 0);
        core.flush();
        CheckpointManifest before = new FileSystemImageStore(dir).readManifest("ck-late").orElseThrow();
        assertEquals(CheckpointStatus.STORED, before.status());
        assertTrue(sinks.dead.isEmpty());

        Msg intact = msgs.get(1);
        Msg damaged = StreamMessages.corrupt(intact, 30);
        core.onRecord(0, 50, intact.key(), intact.value()); // a plain resend: ignored
        core.onRecord(0, 51, damaged.key(), damaged.value());
        core.flush();
        assertEquals(1, sinks.dead.size(), "only the damaged copy");
        DeadLetter d = sinks.dead.get(0);
        assertEquals("CRC_MISMATCH", d.kind());
        assertEquals(51L, d.offset());
        assertFalse(d.reencoded());
        assertArrayEquals(damaged.value(), d.value(), "original bytes");
        assertTrue(d.reason().contains("already finished"), d.reason());
        CheckpointManifest after = new FileSystemImageStore(dir).readManifest("ck-late").orElseThrow();
        assertEquals(CheckpointStatus.STORED, after.status());
        assertEquals(before.host("h").orElseThrow().image().sha256(), after.host("h").orElseThrow().image().sha256());
        assertEquals(HostStatus.STORED, after.host("h").orElseThrow().status());
    }

    @Test
    void kernelFormatErrorInAPayloadIsADeadLetterNamingTheChunk() throws IOException {
        List<Msg> msgs = StreamMessages.publish("ck-3", "h", "run-1", SimulatedHost.image(0, 2, 50));
        // make the first FD_DATA of the first TASKS chunk claim fd type 99, keeping CRC and digest right
        RecordChunk tasks = msgs.get(1).chunk();
        byte[] payload = bytes(tasks.getPayload());
        int at = firstRecord(payload, RecordType.FD_DATA);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putShort(at + 8 + FdDataRecord.OFF_FD_TYPE, (short) 99);
        List<Msg> edited = rewrite(msgs, 1, payload);

        AggregatorCore core = core(dir);
        core.onControl(0, 0, null, StreamMessages.request("ck-3", FAR, "h"));
        feed(core, edited, 0);
        core.flush();
        assertEquals(1, sinks.dead.size());
        DeadLetter d = sinks.dead.get(0);
        assertEquals("FORMAT_ERROR", d.kind());
        assertEquals(1L, d.sequence());
        assertTrue(d.reencoded());
        assertTrue(d.reason().contains("fd_type") && d.reason().contains("99"), d.reason());
        CheckpointManifest m = new FileSystemImageStore(dir).readManifest("ck-3").orElseThrow();
        assertEquals(CheckpointStatus.FAILED, m.status());
        try (Stream<Path> blobs = Files.walk(dir.resolve("blobs"))) {
            assertEquals(0, blobs.filter(Files::isRegularFile).count(), "nothing stored for an invalid stream");
        }
    }

    @Test
    void digestMismatchFoundWhenALateChunkCompletesTheStreamDeadLettersEndNotTheLateChunk() throws IOException {
        List<Msg> msgs = StreamMessages.publish("ck-dig", "h", "run-1", SimulatedHost.image(0, 3, 200));
        assertTrue(msgs.size() >= 3, "BEGIN, TASKS..., END: " + msgs.size());
        RecordChunk end = msgs.get(msgs.size() - 1).chunk();
        end.getTotals().setSha256("00".repeat(32));
        List<Msg> edited = new ArrayList<>(msgs);
        Msg badEnd = new Msg(msgs.get(0).key(), StreamMessages.CODEC.encode(end));
        edited.set(msgs.size() - 1, badEnd);
        // END arrives before the last TASKS chunk: that chunk completes the stream, END is what is wrong
        Msg late = edited.remove(msgs.size() - 2);
        edited.add(late);

        AggregatorCore core = core(dir);
        core.onControl(0, 0, null, StreamMessages.request("ck-dig", FAR, "h"));
        feed(core, edited, 0);
        core.flush();
        assertEquals(1, sinks.dead.size());
        DeadLetter d = sinks.dead.get(0);
        assertEquals("DIGEST_MISMATCH", d.kind());
        assertEquals(Long.valueOf(end.getSequence()), d.sequence(), "END's sequence");
        assertTrue(d.reencoded(), "END re-encoded, not the late chunk at hand");
        assertEquals(-1L, d.offset());
        assertArrayEquals(badEnd.value(), d.value(), "END's bytes");
        assertFalse(java.util.Arrays.equals(late.value(), d.value()));
        assertTrue(d.reason().contains("digest mismatch"), d.reason());
    }

    @Test
    void hostWithoutEndFailsAtTheDeadlineNamingWhatArrived() throws IOException {
        Map<String, List<Msg>> hosts = threeHosts("ck-4");
        List<Msg> b = hosts.get("host-2");
        hosts.put("host-2", b.subList(0, b.size() - 1));
        AggregatorCore core = core(dir);
        long deadline = now + 30_000;
        core.onControl(0, 0, null, StreamMessages.request("ck-4", deadline, "host-0", "host-1", "host-2", "host-3"));
        List<Msg> all = new ArrayList<>();
        hosts.values().forEach(all::addAll);
        feed(core, all, 0);
        core.flush();
        CheckpointManifest before = new FileSystemImageStore(dir).readManifest("ck-4").orElseThrow();
        assertEquals(CheckpointStatus.IN_PROGRESS, before.status());
        int host2First = hosts.get("host-0").size() + hosts.get("host-1").size();
        assertEquals(host2First, core.safeOffset(0, all.size()), "host-2's first chunk holds the commit back");

        core.expireOverdue(deadline - 1, id -> true);
        assertEquals(CheckpointStatus.IN_PROGRESS, core.ledger().current("ck-4").orElseThrow().status());
        core.expireOverdue(deadline + 1, id -> true);
        core.flush();
        CheckpointManifest m = new FileSystemImageStore(dir).readManifest("ck-4").orElseThrow();
        assertEquals(CheckpointStatus.PARTIAL, m.status());
        String r2 = m.host("host-2").orElseThrow().reason();
        assertTrue(r2.contains("deadline passed") && r2.contains("no END"), r2);
        String r3 = m.host("host-3").orElseThrow().reason();
        assertTrue(r3.contains("no chunk received"), r3);
        assertEquals(all.size(), core.safeOffset(0, all.size()));
        assertEquals(ImageStatus.PARTIAL, sinks.checkpoints.get(sinks.checkpoints.size() - 1).getStatus());
    }

    @Test
    void restartFromTheSafeOffsetLosesNothingAndStoresNothingTwice() throws IOException {
        Map<String, List<Msg>> hosts = threeHosts("ck-5");
        List<Msg> all = new ArrayList<>();
        hosts.values().forEach(all::addAll);
        Collections.shuffle(all, new Random(7));
        byte[] request = StreamMessages.request("ck-5", FAR, "host-0", "host-1", "host-2");

        // reference: one uninterrupted run
        AggregatorCore whole = core(dir.resolve("ref"));
        whole.onControl(0, 0, null, request);
        feed(whole, all, 0);
        whole.flush();
        CheckpointManifest ref = new FileSystemImageStore(dir.resolve("ref")).readManifest("ck-5").orElseThrow();

        for (int crashAt : new int[] {3, all.size() / 2, all.size() - 1}) {
            Path storeDir = dir.resolve("crash-" + crashAt);
            AggregatorCore first = core(storeDir);
            first.onControl(0, 0, null, request);
            feed(first, all.subList(0, crashAt), 0);
            first.flush();
            long committed = first.safeOffset(0, crashAt);
            // a crash: the first core is gone with everything it had not flushed
            AggregatorCore second = core(storeDir);
            second.onControl(0, 0, null, request);
            feed(second, all.subList((int) committed, all.size()), committed);
            second.flush();
            CheckpointManifest m = new FileSystemImageStore(storeDir).readManifest("ck-5").orElseThrow();
            assertEquals(CheckpointStatus.STORED, m.status(), "crash at " + crashAt);
            for (HostEntry h : ref.hosts()) assertEquals(h.image().sha256(), m.host(h.hostId()).orElseThrow().image().sha256());
            try (Stream<Path> blobs = Files.walk(storeDir.resolve("blobs"))) {
                assertEquals(3, blobs.filter(Files::isRegularFile).count(), "one blob per host, crash at " + crashAt);
            }
        }
    }

    @Test
    void commitsStayBehindAnImageTheStorePoolHasNotFinished() throws Exception {
        List<Msg> host = StreamMessages.publish("ck-9", "host-0", "run-1", SimulatedHost.image(0, 4, 300));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            pool.submit(() -> {
                release.await();
                return null;
            }); // the pool's only thread is busy until released
            FileSystemImageStore store = new FileSystemImageStore(dir.resolve("s"));
            AggregatorCore core = new AggregatorCore(store, sinks, sinks, "records", "control", ReassemblyLimits.DEFAULT,
                    FormatOptions.DEFAULT, StreamMessages.CODEC, () -> now, pool, 4);
            core.onControl(0, 0, null, StreamMessages.request("ck-9", FAR, "host-0"));
            feed(core, host, 100);
            long next = 100 + host.size();

            core.flush(false); // takes only finished images: none yet
            assertEquals(1, core.imagesInFlight());
            assertFalse(core.hasUnflushed(), "nothing finished to make durable yet");
            assertEquals(100, core.safeOffset(0, next), "the stream's first chunk holds the commit back");
            assertEquals(0, sinks.images.size());

            release.countDown();
            core.flush(true);
            assertEquals(next, core.safeOffset(0, next));
            assertEquals(0, core.imagesInFlight());
            assertEquals(1, sinks.images.size());
            assertEquals(CheckpointStatus.STORED, store.readManifest("ck-9").orElseThrow().status());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void agentRestartResendUnderANewRunStoresTheCompleteRun() throws IOException {
        Image image = SimulatedHost.image(5, 3, 100);
        List<Msg> first = StreamMessages.publish("ck-6", "h", "run-a", image);
        List<Msg> second = StreamMessages.publish("ck-6", "h", "run-b", image);
        AggregatorCore core = core(dir);
        core.onControl(0, 0, null, StreamMessages.request("ck-6", FAR, "h"));
        List<Msg> all = new ArrayList<>(first.subList(0, 3)); // run a dies after 3 chunks
        all.addAll(second);
        feed(core, all, 0);
        core.flush();
        HostEntry h = new FileSystemImageStore(dir).readManifest("ck-6").orElseThrow().host("h").orElseThrow();
        assertEquals(HostStatus.STORED, h.status());
        assertEquals("run-b", h.image().agentRunId());
        assertEquals(sha(ImageWriter.toBytes(ImageReader.readImage(ImageWriter.toBytes(image)))), h.image().sha256());
    }

    @Test
    void revokedPartitionStateIsDroppedAndRebuiltFromTheCommittedOffset() throws IOException {
        List<Msg> msgs = StreamMessages.publish("ck-7", "h", "run-1", SimulatedHost.image(6, 2, 80));
        AggregatorCore core = core(dir);
        core.onControl(0, 0, null, StreamMessages.request("ck-7", FAR, "h"));
        feed(core, msgs.subList(0, 2), 50);
        assertEquals(50, core.safeOffset(0, 52));
        core.revoke(0);
        assertEquals(0, core.bufferedBytes());
        assertEquals(52, core.safeOffset(0, 52), "nothing of the partition is held any more");
        // the new owner starts at the committed offset (50) and sees the whole stream
        feed(core, msgs, 50);
        core.flush();
        assertEquals(CheckpointStatus.STORED, new FileSystemImageStore(dir).readManifest("ck-7").orElseThrow().status());
    }

    @Test
    void bytesThatAreNotOurAvroAreDeadLetteredAndNothingStops() throws IOException {
        AggregatorCore core = core(dir);
        byte[] junk = "hello, not avro".getBytes();
        core.onRecord(0, 9, "ck".getBytes(), junk);
        // a bad request is the agents' to dead-letter: every aggregator re-reads the control topic on each start
        core.onControl(0, 3, null, new byte[] {(byte) 0xC3, 1, 2});
        assertEquals(1, sinks.dead.size());
        assertArrayEquals(junk, sinks.dead.get(0).value());
        assertEquals(9, sinks.dead.get(0).offset());
        assertEquals("UNDECODABLE", sinks.dead.get(0).kind());
        assertTrue(sinks.dead.get(0).reason().startsWith("not a RecordChunk (key \"ck\")"), sinks.dead.get(0).reason());
        assertEquals(10, core.safeOffset(0, 10));
        core.onRecord(0, 10, "ck".getBytes(), StreamMessages.publish("ck", "h", "r", SimulatedHost.image(0, 1, 3)).get(0).value());
        assertEquals(1, sinks.dead.size(), "still running");
    }

    @Test
    void eventsWhoseManifestsWereWrittenBeforeACrashAreAnnouncedByTheNextAggregator() throws IOException {
        RecordingSinks lost = new RecordingSinks(); // handed the events, then the process died: never delivered
        AggregatorCore dying = new AggregatorCore(new FileSystemImageStore(dir), lost, lost, "records", "control",
                ReassemblyLimits.DEFAULT, FormatOptions.DEFAULT, StreamMessages.CODEC, () -> now);
        dying.onControl(0, 0, null, StreamMessages.request("ck-9", FAR, "host-0", "host-1", "host-2"));
        List<Msg> all = new ArrayList<>();
        threeHosts("ck-9").values().forEach(all::addAll);
        feed(dying, all, 0);
        dying.flush();
        assertEquals(CheckpointStatus.STORED, new FileSystemImageStore(dir).readManifest("ck-9").orElseThrow().status());
        assertEquals(3, lost.images.size());

        // the manifest says finished, so the re-delivered chunks are ignored: only the outbox can tell
        AggregatorCore next = core(dir);
        assertEquals(4, next.announceLeftovers());
        feed(next, all, 0);
        next.flush();
        assertEquals(lost.images.stream().map(e -> e.getHostId() + " " + e.getSha256()).toList(),
                sinks.images.stream().map(e -> e.getHostId() + " " + e.getSha256()).toList());
        assertEquals(1, sinks.checkpoints.size());
        assertEquals(CheckpointStatus.STORED.name(), sinks.checkpoints.get(0).getStatus().name());
        next.eventsDelivered();
        try (Stream<Path> left = Files.list(dir.resolve("outbox"))) {
            assertEquals(0, left.count(), "delivered: nothing left to announce");
        }
        RecordingSinks third = new RecordingSinks();
        assertEquals(0, new AggregatorCore(new FileSystemImageStore(dir), third, third, "records", "control",
                ReassemblyLimits.DEFAULT, FormatOptions.DEFAULT, StreamMessages.CODEC, () -> now).announceLeftovers());
    }

    @Test
    void hostileIdsAreDeadLetteredByNameAndNeverReachTheStore() throws IOException {
        AggregatorCore core = core(dir);
        String esc = "h\u001b[2J";
        List<Msg> climbing = StreamMessages.publish("../../etc", "h", "r", SimulatedHost.image(0, 1, 3));
        List<Msg> control = StreamMessages.publish("ck-ok", esc, "r", SimulatedHost.image(0, 1, 3));
        core.onControl(0, 0, null, StreamMessages.request("../../etc", FAR, "h"));
        core.onControl(0, 1, null, StreamMessages.request("ck-ok", FAR, esc));
        feed(core, climbing, 0);
        feed(core, control, climbing.size());
        core.flush();

        assertEquals(climbing.size() + control.size(), sinks.dead.size(), "every chunk");
        DeadLetter d = sinks.dead.get(0);
        assertEquals("INVALID_ID", d.kind());
        assertEquals("checkpoint \"../../etc\" host \"h\" sequence 0: invalid checkpoint id \"../../etc\": expected "
                + MessageIds.RULE, d.reason());
        assertNull(d.checkpointId(), "a hostile id is not copied into the id headers");
        assertArrayEquals(climbing.get(0).value(), d.value(), "original bytes");
        String escaped = sinks.dead.get(climbing.size() + 1).reason();
        assertTrue(escaped.startsWith("checkpoint \"ck-ok\" host \"h\\u001b[2J\" sequence 1: invalid host id"), escaped);
        assertFalse(escaped.contains("\u001b"), "no raw control byte in a reason");
        assertTrue(new FileSystemImageStore(dir).listCheckpoints().isEmpty(), "no manifest for a refused request");
        assertFalse(Files.exists(dir.resolve("etc")) || Files.exists(dir.getParent().resolve("etc")));
    }

    private static List<Msg> rewrite(List<Msg> msgs, int index, byte[] newPayload) {
        List<Msg> out = new ArrayList<>(msgs);
        RecordChunk c = msgs.get(index).chunk();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(newPayload);
        c.setPayload(ByteBuffer.wrap(newPayload));
        c.setCrc32c(crc.getValue());
        out.set(index, new Msg(msgs.get(index).key(), StreamMessages.CODEC.encode(c)));
        // END's digest covers every payload before END
        MessageDigest sha = sha256();
        for (int i = 0; i < out.size() - 1; i++) sha.update(out.get(i).chunk().getPayload().duplicate());
        RecordChunk end = out.get(out.size() - 1).chunk();
        end.getTotals().setSha256(HexFormat.of().formatHex(sha.digest()));
        out.set(out.size() - 1, new Msg(msgs.get(0).key(), StreamMessages.CODEC.encode(end)));
        return out;
    }

    private static int firstRecord(byte[] payload, int type) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at < payload.length) {
            if (b.getShort(at) == type) return at;
            at += 8 + b.getShort(at + 2);
        }
        throw new AssertionError("no record of type " + type);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha(byte[] b) {
        return HexFormat.of().formatHex(sha256().digest(b));
    }
}
