package io.fleetckpt.aggregator.reassemble;

import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.StreamTotals;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A verified host stream: every chunk from BEGIN to END of one agent run, in sequence order,
 * CRCs, counts and digest checked.
 *
 * @param chunks BEGIN and the TASKS chunks (sequence 0..n-1), without END
 * @param end    the END chunk (its payload holds TAIL)
 */
public record CompleteStream(StreamKey key, String agentRunId, List<RecordChunk> chunks, RecordChunk end) {
    public CompleteStream {
        chunks = List.copyOf(chunks);
    }

    public StreamTotals totals() {
        return end.getTotals();
    }

    /** The payload of chunk {@code i} (a read-only view). */
    public ByteBuffer payload(int i) {
        return chunks.get(i).getPayload().asReadOnlyBuffer();
    }

    public long payloadBytes() {
        long n = 0;
        for (RecordChunk c : chunks) n += c.getPayload().remaining();
        return n;
    }
}
