package io.fleetckpt.aggregator.storing;

import io.fleetckpt.aggregator.reassemble.CompleteStream;
import io.fleetckpt.aggregator.resolve.EncodedImage;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageEvent;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.messages.StreamTotals;
import io.fleetckpt.store.ImageEntry;
import io.fleetckpt.store.ImageStore;
import io.fleetckpt.store.StoredBlob;

import java.io.IOException;

/**
 * The store-writing stage: reads the image back with the validating reader (an image we could
 * not read must never be stored), unless its bytes are records that reader's twin already
 * validated ({@link EncodedImage#validated()}), then stores it as a content-addressed blob. The
 * same stream always resolves to the same bytes, so re-delivery stores nothing new.
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
     * checks it holds what the resolver said it holds.
     */
    private void validate(CompleteStream stream, EncodedImage image) {
        ImageReader r = new ImageReader(image.bytes(), image.length(), options);
        int tasks = 0;
        try {
            ImageEvent ev;
            while ((ev = r.next()) != null) if (ev == ImageEvent.TASK) tasks++;
        } catch (IOException e) {
            throw new IllegalArgumentException(stream.key() + ": the image written from this stream does not validate: "
                    + e.getMessage(), e);
        }
        if (tasks != image.tasks() || r.fdCount() != image.fds() || r.objrefCount() != image.openFiles() + image.tables()) {
            // the resolver and the reader disagree: our bug, never the agent's fault
            throw new IllegalStateException(stream.key() + ": the encoded image reads back as " + tasks + " tasks, "
                    + r.fdCount() + " fds, " + r.objrefCount() + " objrefs; resolved: " + image);
        }
    }

    public ImageEntry store(CompleteStream stream, EncodedImage image) throws IOException {
        if (!image.validated()) validate(stream, image);
        // the blob's name becomes durable with the batch (AggregatorCore.flush), before any manifest names it
        StoredBlob blob = store.stageBlob(image.bytes(), image.length());
        StreamTotals t = stream.totals();
        return new ImageEntry(blob.sha256(), blob.sizeBytes(), blob.path(), image.tasks(), image.fds(),
                image.openFiles(), t.getCapturedAtMs(), t.getFrozen(), Math.max(0, t.getFrozenWindowUs()),
                stream.agentRunId(), t.getPartialReason());
    }
}
