package io.fleetckpt.aggregator.metered;

import io.fleetckpt.aggregator.storing.EventSink;
import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.ImageStatus;
import io.fleetckpt.metrics.FleetMetrics;
import java.util.EnumSet;
import java.util.Objects;

/**
 * Counts outcomes as they are announced: an image event with a location is an image in the
 * store, a checkpoint event other than STORED a failed checkpoint. Events are emitted only after
 * the manifest is durable, so the counters never run ahead of the store.
 */
public final class MeteredEventSink implements EventSink {
    private final EventSink delegate;
    private final FleetMetrics metrics;

    public MeteredEventSink(EventSink delegate, FleetMetrics metrics) {
        this.delegate = Objects.requireNonNull(delegate);
        this.metrics = Objects.requireNonNull(metrics);
        metrics.declareCheckpointStatuses(EnumSet.complementOf(EnumSet.of(ImageStatus.STORED)));
    }

    @Override
    public void imageEvent(ImageEvent event) {
        delegate.imageEvent(event);
        if (event.getLocation() != null) metrics.imageStored();
    }

    @Override
    public void checkpointEvent(CheckpointEvent event) {
        delegate.checkpointEvent(event);
        if (event.getStatus() != ImageStatus.STORED) metrics.checkpointFailed(event.getStatus());
    }
}
