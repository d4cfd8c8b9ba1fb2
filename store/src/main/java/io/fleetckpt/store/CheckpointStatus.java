package io.fleetckpt.store;

/** Where a whole checkpoint stands. Only IN_PROGRESS may still change. */
public enum CheckpointStatus {
    /** Some requested host has not finished and the deadline has not passed. */
    IN_PROGRESS,
    /** Every requested host has a complete image. */
    STORED,
    /** Some hosts have a complete image, others failed or captured only part of what was asked. */
    PARTIAL,
    /** No host has an image. */
    FAILED;

    public boolean isFinal() {
        return this != IN_PROGRESS;
    }
}
