package io.fleetckpt.aggregator;

import io.fleetckpt.aggregator.dlq.DeadLetter;
import io.fleetckpt.aggregator.dlq.DlqSink;
import io.fleetckpt.aggregator.storing.EventSink;
import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.ImageEvent;

import java.util.ArrayList;
import java.util.List;

/** Event and DLQ sinks that keep what they get, for tests without a broker. */
final class RecordingSinks implements EventSink, DlqSink {
    final List<ImageEvent> images = new ArrayList<>();
    final List<CheckpointEvent> checkpoints = new ArrayList<>();
    final List<DeadLetter> dead = new ArrayList<>();

    @Override
    public void imageEvent(ImageEvent event) {
        images.add(event);
    }

    @Override
    public void checkpointEvent(CheckpointEvent event) {
        checkpoints.add(event);
    }

    @Override
    public void send(DeadLetter letter) {
        dead.add(letter);
    }
}
