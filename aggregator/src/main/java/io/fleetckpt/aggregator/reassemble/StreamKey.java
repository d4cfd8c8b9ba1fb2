package io.fleetckpt.aggregator.reassemble;

/** One host stream: what a host sent for a checkpoint (possibly in several agent runs). */
public record StreamKey(String checkpointId, String hostId) {
    @Override
    public String toString() {
        return "checkpoint " + checkpointId + " host " + hostId;
    }
}
