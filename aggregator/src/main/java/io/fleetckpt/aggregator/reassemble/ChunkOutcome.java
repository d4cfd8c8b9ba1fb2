package io.fleetckpt.aggregator.reassemble;

/** What accepting one chunk did. */
public sealed interface ChunkOutcome {
    /** Kept; the stream is not complete yet. */
    record Buffered() implements ChunkOutcome {
    }

    /** An identical copy of a chunk already held (producer retry, resend). */
    record Duplicate() implements ChunkOutcome {
    }

    /** Not needed: the host stream was already stored or failed, or another run was chosen. */
    record Ignored(String why) implements ChunkOutcome {
    }

    /**
     * The chunk completed its stream.
     *
     * @param firstOffset the lowest partition offset of any chunk of the stream (any run): until
     *                    the image is durable, commits must not pass it
     */
    record Completed(CompleteStream stream, long firstOffset) implements ChunkOutcome {
    }

    /**
     * A damaged chunk of a host stream that was already finished: dead-lettered as bad input,
     * while what was stored (or failed) for that host stays as it is.
     */
    record Refused(StreamFailure failure) implements ChunkOutcome {
    }

    /** The chunk ended its stream without an image. */
    record Failed(StreamFailure failure) implements ChunkOutcome {
    }

    ChunkOutcome BUFFERED = new Buffered();
    ChunkOutcome DUPLICATE = new Duplicate();
}
