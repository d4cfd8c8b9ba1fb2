package io.fleetckpt.aggregator;

/** Counters of one aggregator: written by the consumer thread only, read by anyone (progress). */
public final class AggregatorStats {
    public volatile long chunks;
    public volatile long chunkBytes;
    public volatile long duplicates;
    public volatile long ignored;
    public volatile long imagesStored;
    public volatile long imageBytes;
    public volatile long fdEntriesStored;
    public volatile long streamsFailed;
    public volatile long deadLetters;
    /** System.nanoTime() when the first chunk arrived, 0 before (for throughput measurements). */
    public volatile long firstChunkNanos;
    /**
     * System.nanoTime() when the records partitions were last assigned and sought, 0 before: the
     * point from which reading starts (for throughput measurements that leave out the group join).
     */
    public volatile long assignedNanos;

    @Override
    public String toString() {
        return "chunks=" + chunks + " bytes=" + chunkBytes + " duplicates=" + duplicates + " ignored=" + ignored
                + " images=" + imagesStored + " fds=" + fdEntriesStored + " failed=" + streamsFailed
                + " dlq=" + deadLetters;
    }
}
