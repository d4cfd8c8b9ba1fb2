package io.fleetckpt.aggregator.dlq;

/**
 * A message the aggregator could not use, with its original bytes and why.
 *
 * @param partition  source partition, or -1 when not known
 * @param offset     source offset, or -1 when not known
 * @param reencoded  true when {@code value} was re-encoded from the decoded chunk because the
 *                   original bytes were no longer held (errors found when a stream completed)
 * @param checkpointId may be null (undecodable message), as may hostId and sequence
 */
public record DeadLetter(String sourceTopic, int partition, long offset, byte[] key, byte[] value,
                         String reason, String kind, String checkpointId, String hostId, Long sequence,
                         boolean reencoded) {
    /** Kinds of messages refused before they reach a host stream; a stream's own are its FailureKind names. */
    public static final String UNDECODABLE = "UNDECODABLE";
    public static final String INVALID_ID = "INVALID_ID";
    public static final String WRONG_KEY = "WRONG_KEY";
}
