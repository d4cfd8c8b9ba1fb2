package io.fleetckpt.store;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Streams a new blob into the store. Nothing is visible under the blob's name until
 * {@link #commit()}; closing without commit discards the bytes.
 */
public abstract class BlobWriter extends OutputStream {
    /** Flushes, syncs and publishes the blob under its SHA-256; identical existing content is kept. */
    public abstract StoredBlob commit() throws IOException;

    /** Bytes written so far. */
    public abstract long size();
}
