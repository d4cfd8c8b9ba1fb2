package io.fleetckpt.store;

import java.io.IOException;

/** A store operation failed; the message names the checkpoint, host, blob or path concerned. */
public class StoreException extends IOException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
