package io.fleetckpt.store;

/** Where one host of a checkpoint stands. */
public enum HostStatus {
    /** Requested, no complete stream yet. */
    PENDING,
    /** A complete image of everything the request selected on the host. */
    STORED,
    /** A complete, valid image, but the agent could not capture some selected tasks (see reason). */
    PARTIAL,
    /** No image: the reason says why (deadline, abort, corrupt chunk, digest mismatch...). */
    FAILED;

    public boolean hasImage() {
        return this == STORED || this == PARTIAL;
    }

    public boolean isFinal() {
        return this != PENDING;
    }
}
