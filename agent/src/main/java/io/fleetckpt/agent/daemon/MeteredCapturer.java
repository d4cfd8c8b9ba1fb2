package io.fleetckpt.agent.daemon;

import io.fleetckpt.agent.publish.CapturedHost;
import io.fleetckpt.metrics.FleetMetrics;
import io.fleetckpt.metrics.FleetMetrics.CaptureOutcome;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.HostSelection;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Counts what any {@link HostCapturer} does: captures by outcome, the frozen window of those
 * that froze, and the fds captured. A decorator, so the capture stage stays free of metrics.
 */
public final class MeteredCapturer implements HostCapturer {
    private final HostCapturer delegate;
    private final FleetMetrics metrics;

    public MeteredCapturer(HostCapturer delegate, FleetMetrics metrics) {
        this.delegate = Objects.requireNonNull(delegate);
        this.metrics = Objects.requireNonNull(metrics);
    }

    @Override
    public CapturedHost capture(String checkpointId, HostSelection selection, CheckpointOptions options)
            throws CaptureException {
        CapturedHost host;
        try {
            host = delegate.capture(checkpointId, selection, options);
        } catch (CaptureException | RuntimeException e) {
            metrics.capture(CaptureOutcome.FAILED);
            throw e;
        }
        metrics.capture(host.partialReason() == null ? CaptureOutcome.OK : CaptureOutcome.PARTIAL);
        // an unfrozen capture (scanned until two scans agreed) paused nobody: no window to record
        if (host.frozen()) metrics.frozenWindow(Duration.of(host.frozenWindowUs(), ChronoUnit.MICROS));
        metrics.fdsCaptured(host.image().fdCount());
        return host;
    }
}
