package io.fleetckpt.aggregator.reassemble;

import io.fleetckpt.messages.RecordChunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The chunks of one agent run of a host stream received so far, by sequence. */
final class RunBuffer {
    final String agentRunId;
    /** Offset of the first chunk of this run seen in the partition: commits must not pass it. */
    final long firstOffset;
    private final TreeMap<Long, RecordChunk> bySequence = new TreeMap<>();
    private RecordChunk end;
    private long bytes;

    RunBuffer(String agentRunId, long firstOffset) {
        this.agentRunId = agentRunId;
        this.firstOffset = firstOffset;
    }

    RecordChunk get(long sequence) {
        if (end != null && end.getSequence() == sequence) return end;
        return bySequence.get(sequence);
    }

    void put(RecordChunk chunk) {
        bySequence.put(chunk.getSequence(), chunk);
        bytes += chunk.getPayload().remaining();
    }

    void putEnd(RecordChunk chunk) {
        end = chunk;
        bytes += chunk.getPayload().remaining();
    }

    RecordChunk end() {
        return end;
    }

    long bytes() {
        return bytes;
    }

    int chunkCount() {
        return bySequence.size();
    }

    Long highestSequence() {
        return bySequence.isEmpty() ? null : bySequence.lastKey();
    }

    /** END seen and every sequence before it present. */
    boolean isComplete() {
        return end != null && bySequence.size() == end.getSequence()
                && (bySequence.isEmpty() || bySequence.lastKey() == end.getSequence() - 1);
    }

    List<RecordChunk> orderedChunks() {
        return new ArrayList<>(bySequence.values());
    }

    /** "sequences 0..3, 5, 7..9" of what arrived, for failure reasons. */
    String describeReceived() {
        if (bySequence.isEmpty() && end == null) return "no chunks";
        StringBuilder sb = new StringBuilder();
        Long start = null;
        Long prev = null;
        for (Map.Entry<Long, RecordChunk> e : bySequence.entrySet()) {
            long s = e.getKey();
            if (prev != null && s == prev + 1) {
                prev = s;
                continue;
            }
            appendRange(sb, start, prev);
            start = s;
            prev = s;
        }
        appendRange(sb, start, prev);
        String got = bySequence.size() + (bySequence.size() == 1 ? " chunk (sequence " : " chunks (sequences ") + (sb.length() == 0 ? "none" : sb) + ")";
        return end == null ? got + ", no END"
                : got + ", END at sequence " + end.getSequence() + ", missing " + (end.getSequence() - bySequence.size());
    }

    private static void appendRange(StringBuilder sb, Long start, Long end) {
        if (start == null) return;
        if (sb.length() > 0) sb.append(", ");
        if (sb.length() > 200) {
            if (!sb.toString().endsWith("...")) sb.append("...");
            return;
        }
        sb.append(start);
        if (!start.equals(end)) sb.append("..").append(end);
    }
}
