package io.fleetckpt.aggregator.metered;

import io.fleetckpt.aggregator.dlq.DeadLetter;
import io.fleetckpt.aggregator.dlq.DlqSink;
import io.fleetckpt.aggregator.reassemble.FailureKind;
import io.fleetckpt.metrics.FleetMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Counts dead letters by their kind (a fixed set of failure codes) on the way to the DLQ. */
public final class MeteredDlqSink implements DlqSink {
    private final DlqSink delegate;
    private final FleetMetrics metrics;

    public MeteredDlqSink(DlqSink delegate, FleetMetrics metrics) {
        this.delegate = Objects.requireNonNull(delegate);
        this.metrics = Objects.requireNonNull(metrics);
        metrics.declareDlqReasons(kinds());
    }

    /** Every kind a dead letter can have: each gets its zero series up front. */
    static List<String> kinds() {
        List<String> kinds = new ArrayList<>(List.of(DeadLetter.UNDECODABLE, DeadLetter.INVALID_ID, DeadLetter.WRONG_KEY));
        for (FailureKind k : FailureKind.values()) if (k.isBadInput()) kinds.add(k.name());
        return kinds;
    }

    @Override
    public void send(DeadLetter letter) {
        delegate.send(letter);
        metrics.dlqMessage(letter.kind());
    }
}
