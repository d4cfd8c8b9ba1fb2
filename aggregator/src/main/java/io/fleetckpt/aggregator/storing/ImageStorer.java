package io.fleetckpt.aggregator.storing;

import io.fleetckpt.aggregator.reassemble.CompleteStream;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageEvent;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.messages.StreamTotals;
import io.fleetckpt.store.ImageEntry;
import io.fleetckpt.store.ImageStore;
import io.fleetckpt.store.StoredBlob;

import java.io.IOException;

/**
 * The store-writing stage: encodes the image, reads it back with the validating reader (an
 * image we could not read must never be stored), then stores it as a content-addressed blob.
 * The same model always encodes to the same bytes, so re-delivery stores nothing new.
 */
public final class ImageStorer {
    private final ImageStore store;
    private final FormatOptions options;

    public ImageStorer(ImageStore store, FormatOptions options) {
        this.store = store;
        this.options = options;
    }

    /**
     * Reads the encoded image back with the validating reader (streaming, no model built) and
     * checks it holds what the model held.
     */
    private void validate(CompleteStream stream, Image image, byte[] bytes) {
        ImageReader r = new ImageReader(bytes, options);
        int tasks = 0;
        try {
            ImageEvent ev;
            while ((ev = r.next()) != null) if (ev == ImageEvent.TASK) tasks++;
        } catch (IOException e) {
            throw new IllegalArgumentException(stream.key() + ": the image written from this stream does not validate: "
                    + e.getMessage(), e);
        }
        long tables = image.tasks().stream().mapToInt(Task::tableRef).filter(t -> t != 0).distinct().count();
        if (tasks != image.tasks().size() || r.fdCount() != image.fdCount() || r.objrefCount() != image.openFiles().size() + tables) {
            // the writer and reader disagree: a codec bug, never the agent's fault
            throw new IllegalStateException(stream.key() + ": the encoded image reads back as " + tasks + " tasks, "
                    + r.fdCount() + " fds, " + r.objrefCount() + " objrefs; written: " + image.tasks().size() + ", "
                    + image.fdCount() + ", " + (image.openFiles().size() + tables));
        }
    }

    public ImageEntry store(CompleteStream stream, Image image) throws IOException {
        byte[] bytes = ImageWriter.toBytes(image, options);
        validate(stream, image, bytes);
        StoredBlob blob = store.putBlob(bytes);
        StreamTotals t = stream.totals();
        return new ImageEntry(blob.sha256(), blob.sizeBytes(), blob.path(), image.tasks().size(), image.fdCount(),
                image.openFiles().size(), t.getCapturedAtMs(), t.getFrozen(), Math.max(0, t.getFrozenWindowUs()),
                stream.agentRunId(), t.getPartialReason());
    }
}
