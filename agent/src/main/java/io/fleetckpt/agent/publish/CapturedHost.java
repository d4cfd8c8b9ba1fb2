package io.fleetckpt.agent.publish;

import io.fleetckpt.format.model.Image;

import java.util.Objects;

/**
 * What the publisher needs from a finished capture: the host's image model and the facts END
 * reports. Built after thaw, so encoding and publishing never extend the frozen window.
 *
 * @param image          header, tasks in TREE order, open files (host-stream objrefs)
 * @param capturedAtMs   when the capture started, epoch milliseconds
 * @param frozen         whether every task was frozen while its table was read
 * @param frozenWindowUs first freeze to last thaw, microseconds (0 when not frozen)
 * @param partialReason  null, or why some selected tasks are missing from the image
 */
public record CapturedHost(Image image, long capturedAtMs, boolean frozen, long frozenWindowUs, String partialReason) {
    public CapturedHost {
        Objects.requireNonNull(image, "image");
        if (frozenWindowUs < 0) throw new IllegalArgumentException("negative frozen window");
    }
}
