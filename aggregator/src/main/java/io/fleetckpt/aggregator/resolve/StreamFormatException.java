package io.fleetckpt.aggregator.resolve;

import java.io.IOException;

/**
 * A host stream whose records, though each well formed, do not make an image: a task missing
 * from the TREE, one objref naming two different open files, a record in the wrong chunk...
 * {@code streamOffset} locates it in the concatenated payloads (-1 if no single place).
 */
public final class StreamFormatException extends IOException {
    private final long streamOffset;

    public StreamFormatException(long streamOffset, String message) {
        super(streamOffset < 0 ? message : "stream offset " + streamOffset + ": " + message);
        this.streamOffset = streamOffset;
    }

    public long streamOffset() {
        return streamOffset;
    }
}
