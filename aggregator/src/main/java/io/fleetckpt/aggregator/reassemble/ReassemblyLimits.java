package io.fleetckpt.aggregator.reassemble;

/**
 * Bounds that keep hostile or runaway streams from exhausting the aggregator.
 *
 * @param maxPartitionBytes payload bytes buffered at once for all open streams of one partition
 * @param maxStreamBytes    payload bytes of one host stream
 * @param maxSequence       the highest sequence number accepted
 */
public record ReassemblyLimits(long maxPartitionBytes, long maxStreamBytes, long maxSequence) {
    public static final ReassemblyLimits DEFAULT = new ReassemblyLimits(512L << 20, 256L << 20, 1L << 24);

    public ReassemblyLimits {
        if (maxPartitionBytes <= 0 || maxStreamBytes <= 0 || maxSequence <= 0) {
            throw new IllegalArgumentException("reassembly limits must be positive");
        }
    }
}
