package io.fleetckpt.aggregator.reassemble;

import io.fleetckpt.messages.RecordChunk;

/**
 * A host stream that will not produce an image.
 *
 * @param culprit the chunk that caused it, when one did (sent to the DLQ); null otherwise
 */
public record StreamFailure(StreamKey key, String agentRunId, long sequence, FailureKind kind,
                            String reason, RecordChunk culprit) {
    /** One line naming checkpoint, host, run, sequence and what is wrong. */
    public String describe() {
        return key + (agentRunId == null ? "" : " run " + agentRunId)
                + (sequence < 0 ? "" : " sequence " + sequence) + ": " + reason;
    }
}
