package io.fleetckpt.restore.pull;

import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.HostEntry;
import io.fleetckpt.store.ImageEntry;
import io.fleetckpt.store.ImageStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** One host's image of one checkpoint, as its manifest describes it. */
public record StoredImageRef(String checkpointId, String hostId, ImageEntry image) {

    public String describe() {
        return "checkpoint " + checkpointId + " host " + hostId + " (sha256:" + image.sha256() + ")";
    }

    /**
     * The images of a checkpoint, all hosts or the one named; hosts without an image are an error
     * when named, skipped otherwise.
     */
    public static List<StoredImageRef> find(ImageStore store, String checkpointId, String hostId) throws IOException {
        CheckpointManifest m = store.readManifest(checkpointId)
                .orElseThrow(() -> new PullException("no checkpoint " + checkpointId + " in the store " + store.location()));
        List<StoredImageRef> out = new ArrayList<>();
        if (hostId != null) {
            HostEntry h = m.host(hostId).orElseThrow(() -> new PullException("checkpoint " + checkpointId
                    + " has no host " + hostId + " (hosts: " + hosts(m) + ")"));
            if (h.image() == null) {
                throw new PullException("checkpoint " + checkpointId + " host " + hostId + " has no image: "
                        + h.status() + (h.reason() == null ? "" : " (" + h.reason() + ")"));
            }
            out.add(new StoredImageRef(checkpointId, hostId, h.image()));
            return out;
        }
        for (HostEntry h : m.hosts()) if (h.image() != null) out.add(new StoredImageRef(checkpointId, h.hostId(), h.image()));
        if (out.isEmpty()) throw new PullException("checkpoint " + checkpointId + " (" + m.status() + ") has no stored image");
        return out;
    }

    private static String hosts(CheckpointManifest m) {
        List<String> ids = new ArrayList<>();
        for (HostEntry h : m.hosts()) ids.add(h.hostId());
        return String.join(", ", ids);
    }
}
