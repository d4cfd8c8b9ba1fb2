package io.fleetckpt.kafka;

/** No broker at the bootstrap address answered in time, or the address cannot be used at all. */
public final class BrokerUnreachableException extends RuntimeException {
    public BrokerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
