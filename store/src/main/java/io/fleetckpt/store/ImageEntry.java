package io.fleetckpt.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One host's stored image as the manifest lists it: the blob (digest, size, relative path) and
 * what is inside, so that restore jobs can plan without opening the image.
 *
 * @param agentRunId     the agent run whose stream was used (another run's resend was ignored)
 * @param frozenWindowUs how long the tasks were frozen for the capture, in microseconds
 * @param partialReason  set when the agent could not capture some selected tasks
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageEntry(String sha256, long sizeBytes, String path,
                         int taskCount, long fdCount, long openFileCount,
                         long capturedAtMs, boolean frozen, long frozenWindowUs,
                         String agentRunId, String partialReason) {
    /**
     * The largest image a manifest may list: twice the aggregator's default bound on one host
     * stream (512 MiB), and some 8 million fds. A manifest claiming more is damaged or hostile.
     */
    public static final long MAX_IMAGE_BYTES = 1L << 30;

    public ImageEntry {
        StoredBlob blob = new StoredBlob(sha256, sizeBytes, path);
        if (sizeBytes > MAX_IMAGE_BYTES) {
            throw new IllegalArgumentException("image sha256:" + sha256 + " of " + sizeBytes + " bytes exceeds the bound of "
                    + MAX_IMAGE_BYTES + " (1 GiB)");
        }
        if (taskCount < 0 || fdCount < 0 || openFileCount < 0 || frozenWindowUs < 0) {
            throw new IllegalArgumentException("negative count in image entry for blob " + blob.sha256());
        }
    }

    public StoredBlob blob() {
        return new StoredBlob(sha256, sizeBytes, path);
    }
}
