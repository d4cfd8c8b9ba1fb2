package io.fleetckpt.aggregator.storing;

import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.ImageEvent;

/** Where outcome events go (the images topic); called only after the manifest is durable. */
public interface EventSink {
    void imageEvent(ImageEvent event);

    void checkpointEvent(CheckpointEvent event);
}
