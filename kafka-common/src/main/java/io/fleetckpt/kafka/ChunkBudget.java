package io.fleetckpt.kafka;

import java.util.Map;

/**
 * Size budget of one record chunk. Payloads are cut at record boundaries to at most
 * {@code payloadBytes}; a message (Avro envelope included) stays well under {@link #maxMessageBytes()},
 * which is what the producer's max.request.size and the topics' max.message.bytes are set to.
 * Large chunks (hundreds of KiB) are what makes Kafka fast here (see pipeline.md §1.4).
 */
public record ChunkBudget(int payloadBytes) {
    public static final int MIN_PAYLOAD = 16 * 1024;
    public static final int MAX_PAYLOAD = 8 * 1024 * 1024;
    public static final ChunkBudget DEFAULT = new ChunkBudget(256 * 1024);
    /** Room for the envelope: ids, counts, totals; strings are bounded far below this. */
    private static final int ENVELOPE_ALLOWANCE = 64 * 1024;

    public ChunkBudget {
        if (payloadBytes < MIN_PAYLOAD || payloadBytes > MAX_PAYLOAD) {
            throw new IllegalArgumentException("chunk payload budget must be " + MIN_PAYLOAD + ".." + MAX_PAYLOAD + " bytes, got " + payloadBytes);
        }
    }

    /** Four times the payload budget: one chunk uses a quarter of what a message may be. */
    public int maxMessageBytes() {
        return 4 * payloadBytes;
    }

    /** The largest message a consumer should accept before decoding it (hostile input bound). */
    public int maxAcceptedMessageBytes() {
        return maxMessageBytes() + ENVELOPE_ALLOWANCE;
    }

    public static ChunkBudget fromEnvironment(Map<String, String> env) {
        return new ChunkBudget(EnvInts.get(env, "FLEETCKPT_CHUNK_BYTES", DEFAULT.payloadBytes));
    }
}
