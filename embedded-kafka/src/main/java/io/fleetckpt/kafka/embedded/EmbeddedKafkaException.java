package io.fleetckpt.kafka.embedded;

/** The embedded broker could not be started (storage, ports, configuration). */
public final class EmbeddedKafkaException extends RuntimeException {
    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
