package io.fleetckpt.restore.testing;

import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.CheckpointStatus;
import io.fleetckpt.store.FileSystemImageStore;
import io.fleetckpt.store.HostEntry;
import io.fleetckpt.store.ImageEntry;
import io.fleetckpt.store.StoredBlob;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Puts encoded images into a real file-system store under a manifest, as the aggregator would. */
public final class StoreFixture {
    private StoreFixture() {
    }

    /** @param images host id, image, host id, image, ... */
    public static FileSystemImageStore store(Path dir, String checkpointId, Object... images) throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        List<HostEntry> hosts = new ArrayList<>();
        for (int i = 0; i < images.length; i += 2) {
            Image image = (Image) images[i + 1];
            StoredBlob blob = store.putBlob(ImageWriter.toBytes(image));
            ImageEntry e = new ImageEntry(blob.sha256(), blob.sizeBytes(), blob.path(), image.tasks().size(),
                    image.fdCount(), image.openFiles().size(), 1_796_325_901_000L, true, 800, "run-1", null);
            hosts.add(HostEntry.stored((String) images[i], e));
        }
        hosts.add(HostEntry.failed("web-9", "deadline passed: no END"));
        store.writeManifest(CheckpointManifest.inProgress(checkpointId, 1_796_325_900_000L, 1_796_325_960_000L, hosts)
                .withStatus(CheckpointStatus.PARTIAL, 1_796_325_903_000L));
        return store;
    }
}
