package io.fleetckpt.agent.publish;

/**
 * A host stream could not be published completely. The stream was ended with ABORT (unless that
 * send failed too, which {@link #abortPublished()} tells), so the aggregator fails this host
 * instead of waiting for its deadline.
 */
public final class HostStreamException extends Exception {
    private final StreamId stream;
    private final long sequence;
    private final boolean abortPublished;

    public HostStreamException(StreamId stream, long sequence, String reason, boolean abortPublished, Throwable cause) {
        super(stream + ": " + reason + " (at sequence " + sequence + "; "
                + (abortPublished ? "ABORT published" : "ABORT could not be published either") + ")", cause);
        this.stream = stream;
        this.sequence = sequence;
        this.abortPublished = abortPublished;
    }

    public StreamId stream() {
        return stream;
    }

    /** The first sequence number that failed (or that was not sent because of the failure). */
    public long sequence() {
        return sequence;
    }

    public boolean abortPublished() {
        return abortPublished;
    }
}
