package io.fleetckpt.aggregator.reassemble;

import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.RecordChunk;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Reassembles the host streams of one partition from chunks in any order, with duplicates and
 * agent restarts. Plain Java: the Kafka consumer feeds it chunks with their offsets; tests feed
 * it permutations directly.
 *
 * <p>Choices that make the result deterministic for a given partition log:
 * <ul>
 *   <li>Of several agent runs of one host, the first to complete (in arrival order) is used;
 *       the others are dropped. An incomplete run never blocks a complete one.</li>
 *   <li>A bad chunk (CRC, impossible sequence, conflicting duplicate, wrong totals) or an ABORT
 *       fails the host stream for good: its later chunks, of any run, are ignored.</li>
 *   <li>A missing sequence is not an error by itself (chunks may still come); the deadline
 *       turns it into a failure naming what is missing ({@link #expire}).</li>
 * </ul>
 */
public final class Reassembler {
    private final ReassemblyLimits limits;
    private final Predicate<StreamKey> finishedElsewhere;
    private final Map<StreamKey, Map<String, RunBuffer>> open = new LinkedHashMap<>();
    private final Set<StreamKey> closed = new HashSet<>();
    private long bufferedBytes;

    /**
     * @param finishedElsewhere true for host streams already stored or failed before this
     *                          instance started (from the manifests), so their re-delivered
     *                          chunks are ignored
     */
    public Reassembler(ReassemblyLimits limits, Predicate<StreamKey> finishedElsewhere) {
        this.limits = limits;
        this.finishedElsewhere = finishedElsewhere;
    }

    /** @param offset the chunk's position in its partition (for the commit bound) */
    public ChunkOutcome accept(RecordChunk c, long offset) {
        StreamKey key = new StreamKey(c.getCheckpointId(), c.getHostId());
        // checked first: a damaged chunk is bad input even when its stream needs it no more
        String crcProblem = StreamVerifier.checkCrc(c);
        boolean finished = closed.contains(key);
        if (!finished && !open.containsKey(key) && finishedElsewhere.test(key)) {
            closed.add(key);
            finished = true;
        }
        if (finished) {
            if (crcProblem == null) return new ChunkOutcome.Ignored(key + " is already finished");
            return new ChunkOutcome.Refused(new StreamFailure(key, c.getAgentRunId(), c.getSequence(), FailureKind.CRC_MISMATCH,
                    crcProblem + " (the host stream was already finished; what it stored stays)", c));
        }
        if (crcProblem != null) return fail(key, c, FailureKind.CRC_MISMATCH, crcProblem);
        String shape = checkShape(c);
        if (shape != null) return fail(key, c, FailureKind.IMPOSSIBLE_SEQUENCE, shape);
        if (c.getKind() == ChunkKind.ABORT) {
            String why = c.getAbortReason() == null ? "no reason given" : c.getAbortReason();
            return fail(key, c, FailureKind.ABORTED, "agent aborted the stream: " + why);
        }

        Map<String, RunBuffer> runs = open.computeIfAbsent(key, k -> new LinkedHashMap<>());
        RunBuffer run = runs.computeIfAbsent(c.getAgentRunId(), id -> new RunBuffer(id, offset));
        RecordChunk held = run.get(c.getSequence());
        if (held != null) {
            if (sameContent(held, c)) return ChunkOutcome.DUPLICATE;
            return fail(key, c, FailureKind.CONFLICTING_DUPLICATE, "a different chunk with this run and sequence was received before"
                    + " (kind " + held.getKind() + ", crc32c " + Long.toHexString(held.getCrc32c()) + ")");
        }
        String order = checkAgainstRun(run, c);
        if (order != null) return fail(key, c, FailureKind.IMPOSSIBLE_SEQUENCE, order);

        long size = c.getPayload().remaining();
        if (run.bytes() + size > limits.maxStreamBytes()) {
            return fail(key, null, FailureKind.TOO_LARGE, "stream exceeds the bound of " + limits.maxStreamBytes()
                    + " payload bytes per host stream (" + run.bytes() + " buffered)");
        }
        if (bufferedBytes + size > limits.maxPartitionBytes()) {
            return fail(key, null, FailureKind.TOO_LARGE, "partition memory bound of " + limits.maxPartitionBytes()
                    + " bytes reached (" + bufferedBytes + " bytes buffered in " + open.size() + " open streams)");
        }
        if (c.getKind() == ChunkKind.END) run.putEnd(c);
        else run.put(c);
        bufferedBytes += size;

        if (!run.isComplete()) return ChunkOutcome.BUFFERED;
        List<RecordChunk> chunks = run.orderedChunks();
        String totals = StreamVerifier.checkTotals(chunks, run.end());
        if (totals != null) return fail(key, run.end(), FailureKind.DIGEST_MISMATCH, totals);
        long firstOffset = offset;
        for (RunBuffer r : runs.values()) firstOffset = Math.min(firstOffset, r.firstOffset);
        close(key);
        return new ChunkOutcome.Completed(new CompleteStream(key, run.agentRunId, chunks, run.end()), firstOffset);
    }

    /**
     * Fails every open stream of the checkpoint (its deadline passed), naming what each run had.
     */
    public List<StreamFailure> expire(String checkpointId, String why) {
        List<StreamFailure> failed = new ArrayList<>();
        for (StreamKey key : new ArrayList<>(open.keySet())) {
            if (!key.checkpointId().equals(checkpointId)) continue;
            StringBuilder had = new StringBuilder();
            for (RunBuffer r : open.get(key).values()) {
                if (had.length() > 0) had.append("; ");
                had.append("run ").append(r.agentRunId).append(": ").append(r.describeReceived());
            }
            close(key);
            failed.add(new StreamFailure(key, null, -1, FailureKind.DEADLINE, why + ": " + had, null));
        }
        return failed;
    }

    /**
     * Fails an open stream from outside (a later stage found its payload invalid). The stream
     * must have been returned as complete, so only the tombstone is left to set.
     */
    public void markFinished(StreamKey key) {
        close(key);
    }

    /** The lowest offset a consumer may commit: the first chunk of any stream still open. */
    public long safeOffset(long nextOffset) {
        long safe = nextOffset;
        for (Map<String, RunBuffer> runs : open.values()) {
            for (RunBuffer r : runs.values()) safe = Math.min(safe, r.firstOffset);
        }
        return safe;
    }

    /** Hosts of the checkpoint with chunks buffered. */
    public Set<String> openHosts(String checkpointId) {
        Set<String> hosts = new TreeSet<>();
        for (StreamKey k : open.keySet()) if (k.checkpointId().equals(checkpointId)) hosts.add(k.hostId());
        return hosts;
    }

    /** Drops the tombstones of a checkpoint whose outcome is final and recorded. */
    public void forgetCheckpoint(String checkpointId) {
        closed.removeIf(k -> k.checkpointId().equals(checkpointId));
    }

    public long bufferedBytes() {
        return bufferedBytes;
    }

    public int openStreams() {
        return open.size();
    }

    private ChunkOutcome fail(StreamKey key, RecordChunk culprit, FailureKind kind, String reason) {
        close(key);
        String run = culprit == null ? null : culprit.getAgentRunId();
        long seq = culprit == null ? -1 : culprit.getSequence();
        return new ChunkOutcome.Failed(new StreamFailure(key, run, seq, kind, reason, culprit));
    }

    private void close(StreamKey key) {
        Map<String, RunBuffer> runs = open.remove(key);
        if (runs != null) for (RunBuffer r : runs.values()) bufferedBytes -= r.bytes();
        closed.add(key);
    }

    /** Kind and sequence rules that hold for a chunk on its own. */
    private String checkShape(RecordChunk c) {
        long seq = c.getSequence();
        if (seq < 0 || seq > limits.maxSequence()) {
            return "sequence " + seq + " outside 0.." + limits.maxSequence();
        }
        if (c.getAgentRunId() == null || c.getAgentRunId().isEmpty()) return "empty agentRunId";
        return switch (c.getKind()) {
            case BEGIN -> seq == 0 ? null : "BEGIN must have sequence 0";
            case TASKS -> seq >= 1 ? null : "TASKS chunk cannot have sequence 0 (BEGIN comes first)";
            case END -> seq < 1 ? "END cannot have sequence 0 (BEGIN comes first)"
                    : c.getTotals() == null ? "END chunk without totals" : null;
            case ABORT -> null;
        };
    }

    /** Rules against what the run already holds. */
    private static String checkAgainstRun(RunBuffer run, RecordChunk c) {
        RecordChunk end = run.end();
        if (c.getKind() == ChunkKind.END) {
            if (end != null) return "second END (first at sequence " + end.getSequence() + ")";
            Long highest = run.highestSequence();
            if (highest != null && highest >= c.getSequence()) {
                return "END at sequence " + c.getSequence() + " but sequence " + highest + " was received";
            }
        } else if (end != null && c.getSequence() >= end.getSequence()) {
            return "sequence " + c.getSequence() + " after END at sequence " + end.getSequence();
        }
        return null;
    }

    private static boolean sameContent(RecordChunk a, RecordChunk b) {
        return a.getKind() == b.getKind() && a.getCrc32c() == b.getCrc32c()
                && a.getPayload().equals(b.getPayload())
                && java.util.Objects.equals(a.getTotals(), b.getTotals());
    }

    /** Visible for progress output: a short state line per open stream. */
    public List<String> describeOpen() {
        List<String> lines = new ArrayList<>();
        for (Iterator<Map.Entry<StreamKey, Map<String, RunBuffer>>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<StreamKey, Map<String, RunBuffer>> e = it.next();
            for (RunBuffer r : e.getValue().values()) lines.add(e.getKey() + " run " + r.agentRunId + ": " + r.describeReceived());
        }
        return lines;
    }
}
