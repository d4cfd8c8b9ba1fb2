package io.fleetckpt.restore.pull;

/** Told how far a copy has come; called often, so implementations throttle their own output. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (ref, done, total) -> { };

    void progress(StoredImageRef ref, long bytesDone, long bytesTotal);
}
