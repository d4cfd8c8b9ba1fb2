package io.fleetckpt.agent.daemon;

import io.fleetckpt.agent.publish.CapturedHost;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.HostSelection;

/**
 * Captures what a request selects on this host: freeze, read the fd tables, thaw, and return the
 * image model. The daemon only sees this seam, so the capture stage (and tests) can plug in.
 */
@FunctionalInterface
public interface HostCapturer {
    /**
     * @throws CaptureException when nothing usable could be captured (no such process, no
     *                          permission, freeze timeout); the host stream is then ABORTed
     */
    CapturedHost capture(String checkpointId, HostSelection selection, CheckpointOptions options) throws CaptureException;
}
