package io.fleetckpt.cli.bench;

/**
 * One timed read of the records topic.
 *
 * @param processCpuNanos CPU of the whole process over the span (the embedded broker included)
 * @param readerCpuNanos  CPU of the reader's own threads over the span
 * @param poolCpuNanos    the part of it in worker threads (the aggregator's store pool), 0 for a
 *                        reader without any
 */
record ReadSpan(long bytes, long wallNanos, long processCpuNanos, long readerCpuNanos, long poolCpuNanos) {
    double mbPerS() {
        return bytes / 1e6 / (wallNanos / 1e9);
    }

    double seconds() {
        return wallNanos / 1e9;
    }
}
