package io.fleetckpt.aggregator.reassemble;

/** Why a host stream failed; {@link #isBadInput()} kinds send the offending chunk to the DLQ. */
public enum FailureKind {
    /** The payload does not match its CRC32C. */
    CRC_MISMATCH(true),
    /** A sequence number or chunk kind that cannot belong to a valid stream. */
    IMPOSSIBLE_SEQUENCE(true),
    /** Two chunks with the same run and sequence but different content. */
    CONFLICTING_DUPLICATE(true),
    /** END's totals or digest disagree with the chunks received. */
    DIGEST_MISMATCH(true),
    /** A payload breaks the kernel format. */
    FORMAT_ERROR(true),
    /** The agent gave up and said why. */
    ABORTED(false),
    /** The stream would exceed the aggregator's memory bound. */
    TOO_LARGE(false),
    /** The checkpoint's deadline passed before the stream was complete. */
    DEADLINE(false);

    private final boolean badInput;

    FailureKind(boolean badInput) {
        this.badInput = badInput;
    }

    public boolean isBadInput() {
        return badInput;
    }
}
