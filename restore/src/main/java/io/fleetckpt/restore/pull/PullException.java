package io.fleetckpt.restore.pull;

import java.io.IOException;

/** A stored image could not be pulled or loaded; the message names checkpoint, host and digest. */
public final class PullException extends IOException {
    public PullException(String message) {
        super(message);
    }

    public PullException(String message, Throwable cause) {
        super(message, cause);
    }
}
