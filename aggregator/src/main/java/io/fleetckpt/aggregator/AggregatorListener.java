package io.fleetckpt.aggregator;

/**
 * What an aggregator reports as it works (metrics, progress). Called on the consumer thread;
 * implementations must be quick and must not throw.
 */
public interface AggregatorListener {
    AggregatorListener NONE = new AggregatorListener() {
    };

    default void imageStored() {
    }

    /** @param kind a short code: UNDECODABLE, INVALID_ID, CRC_MISMATCH, FORMAT_ERROR, ... */
    default void deadLetter(String kind) {
    }

    /** @param status the checkpoint's final status: STORED, PARTIAL or FAILED */
    default void checkpointFinished(String status) {
    }
}
