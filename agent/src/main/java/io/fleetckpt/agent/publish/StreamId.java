package io.fleetckpt.agent.publish;

import java.util.Objects;

/**
 * Identifies one host stream on the records topic: the checkpoint, the host and this agent run.
 * A restarted agent resends under a new run id, which is how the aggregator tells the two apart.
 */
public record StreamId(String checkpointId, String hostId, String agentRunId) {
    /** Bounds ids so that a hostile request cannot make envelopes (or DLQ headers) huge. */
    public static final int MAX_ID_LENGTH = 256;

    public StreamId {
        check("checkpoint id", checkpointId);
        check("host id", hostId);
        check("agent run id", agentRunId);
    }

    private static void check(String what, String v) {
        Objects.requireNonNull(v, what);
        if (v.isEmpty() || v.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_ID_LENGTH + " characters, got " + v.length());
        }
    }

    @Override
    public String toString() {
        return "checkpoint " + checkpointId + " host " + hostId;
    }
}
