package io.fleetckpt.aggregator.metered;

import io.fleetckpt.aggregator.dlq.DeadLetter;
import io.fleetckpt.aggregator.dlq.DlqSink;
import io.fleetckpt.metrics.FleetMetrics;
import java.util.Objects;

/** Counts dead letters by their kind (a fixed set of failure codes) on the way to the DLQ. */
public final class MeteredDlqSink implements DlqSink {
    private final DlqSink delegate;
    private final FleetMetrics metrics;

    public MeteredDlqSink(DlqSink delegate, FleetMetrics metrics) {
        this.delegate = Objects.requireNonNull(delegate);
        this.metrics = Objects.requireNonNull(metrics);
    }

    @Override
    public void send(DeadLetter letter) {
        delegate.send(letter);
        metrics.dlqMessage(letter.kind());
    }
}
