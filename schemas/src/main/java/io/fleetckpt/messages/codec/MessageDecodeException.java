package io.fleetckpt.messages.codec;

/**
 * A Kafka message value that is not a message we can decode. {@link #problem()} says what kind of
 * failure it is (for DLQ headers and metrics); the message text names the detail and offset.
 */
public final class MessageDecodeException extends Exception {
    /** What is wrong with the bytes. */
    public enum Problem {
        /** null or zero-length value */
        EMPTY,
        /** larger than the configured bound; not even looked at */
        TOO_LARGE,
        /** no Avro single-object marker (0xC3 0x01): not our encoding */
        NOT_SINGLE_OBJECT,
        /** the marker is there but the message ends before the body does */
        TRUNCATED,
        /** a fingerprint of no schema version we know */
        UNKNOWN_FINGERPRINT,
        /** a known schema, but of another message type than the caller expects */
        WRONG_TYPE,
        /** the body does not parse under its schema, or bytes are left over after it */
        MALFORMED
    }

    private final Problem problem;
    private final long offset;

    public MessageDecodeException(Problem problem, long offset, String detail, Throwable cause) {
        super(problem + " at byte " + offset + ": " + detail, cause);
        this.problem = problem;
        this.offset = offset;
    }

    public Problem problem() {
        return problem;
    }

    /** Byte offset in the message where the problem was found. */
    public long offset() {
        return offset;
    }
}
