package io.fleetckpt.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where complete images and checkpoint manifests live. Blobs are content-addressed and
 * immutable: storing the same bytes twice is a no-op, so re-delivered streams never store an
 * image twice. Manifests are replaced atomically, whole, never edited in place.
 *
 * <p>Writers: the aggregator. Readers: restore jobs, inspect, tests. See docs/store.md.
 */
public interface ImageStore {

    /** A writer for one new blob; {@link BlobWriter#commit()} publishes it durably. */
    BlobWriter newBlob() throws IOException;

    /** Stores {@code bytes} as a blob (convenience for small blobs and tests). */
    default StoredBlob putBlob(byte[] bytes) throws IOException {
        try (BlobWriter w = newBlob()) {
            w.write(bytes);
            return w.commit();
        }
    }

    /**
     * Stores {@code bytes} as a blob like {@link #putBlob}, except that the directory entries
     * naming it are made durable only by the next {@link #syncStagedBlobs()} (the blob's content
     * is synced already). A writer of many blobs thus pays one directory fsync per batch instead
     * of one per blob; it must call {@link #syncStagedBlobs()} before anything durable (a
     * manifest, a committed offset) refers to the blob.
     */
    default StoredBlob stageBlob(byte[] bytes) throws IOException {
        return putBlob(bytes);
    }

    /** As {@link #stageBlob(byte[])} for {@code bytes[0, length)} (a buffer the caller reuses). */
    default StoredBlob stageBlob(byte[] bytes, int length) throws IOException {
        return stageBlob(length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length));
    }

    /** Makes the names of every blob staged so far (by any thread) durable. */
    default void syncStagedBlobs() throws IOException {
    }

    boolean hasBlob(String sha256) throws IOException;

    /**
     * Opens a blob for reading. The stream hashes what it returns and throws
     * {@link BlobIntegrityException} at end of stream if the bytes do not match the name, so a
     * reader that reads to the end never silently uses damaged bytes.
     *
     * @throws StoreException if there is no such blob
     */
    InputStream openBlob(String sha256) throws IOException;

    /** Writes (or atomically replaces) the checkpoint's manifest, durably. */
    void writeManifest(CheckpointManifest manifest) throws IOException;

    Optional<CheckpointManifest> readManifest(String checkpointId) throws IOException;

    /** Ids of every checkpoint that has a manifest, sorted. */
    List<String> listCheckpoints() throws IOException;

    /** A human-readable location of the blob (for events and messages), e.g. an absolute path. */
    String locationOf(StoredBlob blob);

    /** A human-readable location of the checkpoint's manifest. */
    String manifestLocation(String checkpointId);

    /** Where the store is (its root directory), for messages that send the user looking. */
    String location();

    /**
     * Keeps {@code data} durably under {@code name} (a safe id), replacing what was there, until
     * {@link #deleteOutbox}: what an aggregator must still announce once its manifests are
     * written, so that a crash before the announcement loses nothing.
     */
    void writeOutbox(String name, byte[] data) throws IOException;

    /**
     * Takes over every outbox (of this writer or of dead ones): each is renamed to a new name
     * starting with {@code claimant} before it is read, so a live writer's next
     * {@link #writeOutbox} goes to a fresh file. Returns the contents by new name, oldest first.
     */
    java.util.LinkedHashMap<String, byte[]> claimOutboxes(String claimant) throws IOException;

    /** Forgets an outbox (no error if it is gone). */
    void deleteOutbox(String name) throws IOException;
}
