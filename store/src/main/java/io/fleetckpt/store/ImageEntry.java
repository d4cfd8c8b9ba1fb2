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
    public ImageEntry {
        StoredBlob blob = new StoredBlob(sha256, sizeBytes, path);
        if (taskCount < 0 || fdCount < 0 || openFileCount < 0 || frozenWindowUs < 0) {
            throw new IllegalArgumentException("negative count in image entry for blob " + blob.sha256());
        }
    }

    public StoredBlob blob() {
        return new StoredBlob(sha256, sizeBytes, path);
    }
}
