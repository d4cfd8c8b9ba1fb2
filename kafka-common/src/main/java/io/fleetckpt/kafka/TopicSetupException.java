package io.fleetckpt.kafka;

/** Topics could not be created or did not get leaders in time. */
public class TopicSetupException extends RuntimeException {
    public TopicSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
