package io.fleetckpt.agent.publish;

/**
 * What a published host stream held (all acknowledged by the broker).
 *
 * @param chunks       chunks before END
 * @param payloadBytes payload bytes before END
 * @param sha256       hex SHA-256 over those payloads in sequence order (END's digest)
 * @param largestMessageBytes the largest encoded message sent, to check against the budget
 */
public record PublishResult(StreamId stream, long chunks, long records, int tasks, long fds, long payloadBytes,
                            String sha256, int largestMessageBytes, long publishNanos) {
}
