package io.fleetckpt.aggregator.reassemble;

import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.RecordChunk;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ReassemblerTest {
    private static Reassembler reassembler() {
        return new Reassembler(ReassemblyLimits.DEFAULT, k -> false);
    }

    private static List<byte[]> payloadsOf(CompleteStream s) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < s.chunks().size(); i++) out.add(Chunks.bytes(s.payload(i)));
        return out;
    }

    @Test
    void everyPermutationCompletesOnTheLastChunkWithChunksInSequenceOrder() {
        List<RecordChunk> stream = Chunks.stream("c1", "h1", "r1", 3); // 5 chunks: 120 orders
        List<List<RecordChunk>> orders = new ArrayList<>();
        permute(new ArrayList<>(stream), 0, orders);
        assertEquals(120, orders.size());
        for (List<RecordChunk> order : orders) {
            Reassembler r = reassembler();
            for (int i = 0; i < order.size(); i++) {
                ChunkOutcome o = r.accept(Chunks.copy(order.get(i)), i);
                if (i < order.size() - 1) {
                    assertEquals(ChunkOutcome.BUFFERED, o, "order " + seqs(order) + " at " + i);
                } else {
                    CompleteStream s = ((ChunkOutcome.Completed) o).stream();
                    assertEquals(List.of(0L, 1L, 2L, 3L), s.chunks().stream().map(RecordChunk::getSequence).toList());
                    assertEquals(4, s.end().getSequence());
                    assertArrayEquals(Chunks.bytes(stream.get(2).getPayload()), Chunks.bytes(s.payload(2)));
                }
            }
            assertEquals(0, r.bufferedBytes());
            assertEquals(0, r.openStreams());
        }
    }

    @Test
    void duplicatesAreDroppedAndLateCopiesIgnored() {
        List<RecordChunk> stream = Chunks.stream("c1", "h1", "r1", 2);
        Reassembler r = reassembler();
        assertEquals(ChunkOutcome.BUFFERED, r.accept(Chunks.copy(stream.get(0)), 0));
        assertEquals(ChunkOutcome.DUPLICATE, r.accept(Chunks.copy(stream.get(0)), 1));
        assertEquals(ChunkOutcome.BUFFERED, r.accept(Chunks.copy(stream.get(1)), 2));
        assertEquals(ChunkOutcome.DUPLICATE, r.accept(Chunks.copy(stream.get(1)), 3));
        assertEquals(ChunkOutcome.BUFFERED, r.accept(Chunks.copy(stream.get(2)), 4));
        assertInstanceOf(ChunkOutcome.Completed.class, r.accept(Chunks.copy(stream.get(3)), 5));
        assertInstanceOf(ChunkOutcome.Ignored.class, r.accept(Chunks.copy(stream.get(3)), 6));
        assertInstanceOf(ChunkOutcome.Ignored.class, r.accept(Chunks.copy(stream.get(1)), 7));
    }

    @Test
    void restartedAgentResendsUnderANewRunAndTheFirstCompleteRunWins() {
        List<RecordChunk> a = Chunks.stream("c1", "h1", "run-a", 3);
        List<RecordChunk> b = Chunks.stream("c1", "h1", "run-b", 3);
        Reassembler r = reassembler();
        // run a dies after two chunks, run b sends everything, then a's leftovers straggle in
        r.accept(a.get(0), 0);
        r.accept(a.get(1), 1);
        assertEquals(0, r.safeOffset(100));
        CompleteStream done = null;
        for (int i = 0; i < b.size(); i++) {
            ChunkOutcome o = r.accept(b.get(i), 2 + i);
            if (o instanceof ChunkOutcome.Completed c) done = c.stream();
        }
        assertNotNull(done);
        assertEquals("run-b", done.agentRunId());
        assertEquals(100, r.safeOffset(100), "no open stream holds the commit back");
        assertInstanceOf(ChunkOutcome.Ignored.class, r.accept(a.get(2), 9));
    }

    @Test
    void severalHostsInterleavedInAnyOrderGiveTheSameStreams() {
        List<RecordChunk> all = new ArrayList<>();
        for (int h = 0; h < 5; h++) {
            all.addAll(Chunks.stream("c1", "host-" + h, "r", 4));
            all.addAll(Chunks.stream("c1", "host-" + h, "r", 4)); // every chunk duplicated
        }
        List<List<byte[]>> reference = null;
        for (long seed = 1; seed <= 20; seed++) {
            List<RecordChunk> order = new ArrayList<>(all);
            Collections.shuffle(order, new Random(seed));
            Reassembler r = reassembler();
            List<CompleteStream> done = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                if (r.accept(Chunks.copy(order.get(i)), i) instanceof ChunkOutcome.Completed c) done.add(c.stream());
            }
            assertEquals(5, done.size(), "seed " + seed);
            done.sort((x, y) -> x.key().hostId().compareTo(y.key().hostId()));
            List<List<byte[]>> got = done.stream().map(ReassemblerTest::payloadsOf).toList();
            if (reference == null) reference = got;
            for (int h = 0; h < 5; h++) {
                for (int i = 0; i < reference.get(h).size(); i++) assertArrayEquals(reference.get(h).get(i), got.get(h).get(i));
            }
        }
    }

    @Test
    void aGapIsReportedAtTheDeadlineNamingWhatIsMissing() {
        List<RecordChunk> s = Chunks.stream("c1", "h1", "r1", 4);
        Reassembler r = reassembler();
        for (int i = 0; i < s.size(); i++) if (i != 2) assertEquals(ChunkOutcome.BUFFERED, r.accept(s.get(i), 10 + i));
        assertEquals(10, r.safeOffset(99));
        List<StreamFailure> failed = r.expire("c1", "deadline passed");
        assertEquals(1, failed.size());
        StreamFailure f = failed.get(0);
        assertEquals(FailureKind.DEADLINE, f.kind());
        assertTrue(f.reason().contains("sequences 0..1, 3..4"), f.reason());
        assertTrue(f.reason().contains("END at sequence 5, missing 1"), f.reason());
        assertEquals(99, r.safeOffset(99));
        assertEquals(0, r.bufferedBytes());
    }

    @Test
    void crcMismatchFailsTheStreamAndNamesTheChunk() {
        List<RecordChunk> s = Chunks.stream("c1", "h1", "r1", 2);
        Reassembler r = reassembler();
        r.accept(s.get(0), 0);
        RecordChunk bad = Chunks.copy(s.get(1));
        bad.getPayload().put(0, (byte) (bad.getPayload().get(0) ^ 1));
        StreamFailure f = ((ChunkOutcome.Failed) r.accept(bad, 1)).failure();
        assertEquals(FailureKind.CRC_MISMATCH, f.kind());
        assertEquals(1, f.sequence());
        assertSame(bad, f.culprit());
        assertTrue(f.describe().contains("checkpoint c1 host h1 run r1 sequence 1"), f.describe());
        assertInstanceOf(ChunkOutcome.Ignored.class, r.accept(s.get(2), 2));
        assertEquals(0, r.bufferedBytes());
    }

    @Test
    void conflictingDuplicateAndImpossibleSequencesFail() {
        List<RecordChunk> s = Chunks.stream("c1", "h1", "r1", 2);
        Reassembler r = reassembler();
        r.accept(s.get(0), 0);
        r.accept(s.get(1), 1);
        RecordChunk other = Chunks.chunk("c1", "h1", "r1", 1, ChunkKind.TASKS, "different".getBytes(), null);
        assertEquals(FailureKind.CONFLICTING_DUPLICATE, ((ChunkOutcome.Failed) r.accept(other, 2)).failure().kind());

        Reassembler r2 = reassembler();
        r2.accept(s.get(3), 0); // END at 3
        RecordChunk after = Chunks.chunk("c1", "h1", "r1", 7, ChunkKind.TASKS, "x".getBytes(), null);
        StreamFailure f = ((ChunkOutcome.Failed) r2.accept(after, 1)).failure();
        assertEquals(FailureKind.IMPOSSIBLE_SEQUENCE, f.kind());
        assertTrue(f.reason().contains("after END at sequence 3"), f.reason());

        for (RecordChunk c : List.of(
                Chunks.chunk("c1", "h2", "r1", 2, ChunkKind.BEGIN, "x".getBytes(), null),
                Chunks.chunk("c1", "h3", "r1", -1, ChunkKind.TASKS, "x".getBytes(), null),
                Chunks.chunk("c1", "h4", "r1", 0, ChunkKind.TASKS, "x".getBytes(), null),
                Chunks.chunk("c1", "h5", "r1", 3, ChunkKind.END, "x".getBytes(), null))) {
            assertEquals(FailureKind.IMPOSSIBLE_SEQUENCE, ((ChunkOutcome.Failed) reassembler().accept(c, 0)).failure().kind(), c.toString());
        }
    }

    @Test
    void totalsThatDisagreeWithTheChunksFailAsDigestMismatch() {
        List<RecordChunk> s = Chunks.stream("c1", "h1", "r1", 2);
        RecordChunk end = s.get(3);
        end.getTotals().setSha256("0".repeat(64));
        Reassembler r = reassembler();
        for (int i = 0; i < 3; i++) r.accept(s.get(i), i);
        StreamFailure f = ((ChunkOutcome.Failed) r.accept(end, 3)).failure();
        assertEquals(FailureKind.DIGEST_MISMATCH, f.kind());
        assertTrue(f.reason().contains("digest mismatch"), f.reason());
    }

    @Test
    void abortFailsTheHostWithTheAgentsReason() {
        Reassembler r = reassembler();
        r.accept(Chunks.stream("c1", "h1", "r1", 2).get(0), 0);
        RecordChunk abort = Chunks.chunk("c1", "h1", "r1", 1, ChunkKind.ABORT, new byte[0], null);
        abort.setAbortReason("send failed: timeout");
        StreamFailure f = ((ChunkOutcome.Failed) r.accept(abort, 1)).failure();
        assertEquals(FailureKind.ABORTED, f.kind());
        assertTrue(f.reason().contains("send failed: timeout"));
    }

    @Test
    void memoryBoundFailsTheStreamThatExceedsItAndFreesItsBuffers() {
        Reassembler r = new Reassembler(new ReassemblyLimits(100, 1000, 1000), k -> false);
        List<byte[]> big = List.of(new byte[60], new byte[60]);
        List<RecordChunk> s = Chunks.stream("c1", "h1", "r1", big);
        assertEquals(ChunkOutcome.BUFFERED, r.accept(s.get(0), 0));
        StreamFailure f = ((ChunkOutcome.Failed) r.accept(s.get(1), 1)).failure();
        assertEquals(FailureKind.TOO_LARGE, f.kind());
        assertTrue(f.reason().contains("partition memory bound of 100 bytes"), f.reason());
        assertEquals(0, r.bufferedBytes());
        // another stream still fits
        assertEquals(ChunkOutcome.BUFFERED, r.accept(Chunks.stream("c1", "h2", "r1", 1).get(0), 2));
    }

    @Test
    void streamsFinishedBeforeARestartAreIgnored() {
        Reassembler r = new Reassembler(ReassemblyLimits.DEFAULT, k -> k.hostId().equals("done"));
        assertInstanceOf(ChunkOutcome.Ignored.class, r.accept(Chunks.stream("c1", "done", "r", 1).get(1), 0));
        assertEquals(5, r.safeOffset(5));
    }

    private static String seqs(List<RecordChunk> order) {
        return order.stream().map(c -> Long.toString(c.getSequence())).toList().toString();
    }

    private static void permute(List<RecordChunk> a, int k, List<List<RecordChunk>> out) {
        if (k == a.size()) {
            out.add(new ArrayList<>(a));
            return;
        }
        for (int i = k; i < a.size(); i++) {
            Collections.swap(a, k, i);
            permute(a, k + 1, out);
            Collections.swap(a, k, i);
        }
    }

}
