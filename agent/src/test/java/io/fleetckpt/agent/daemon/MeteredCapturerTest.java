package io.fleetckpt.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fleetckpt.agent.publish.CapturedHost;
import io.fleetckpt.agent.publish.SyntheticImagesAccess;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.metrics.FleetMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteredCapturerTest {
    private static final HostSelection SELECTION = HostSelection.newBuilder().setHostId("h1").setPids(List.of(1)).build();
    private static final CheckpointOptions OPTIONS = CheckpointOptions.newBuilder().build();

    private static double sample(FleetMetrics m, String series) {
        for (String line : m.scrape().split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        throw new AssertionError("no series " + series);
    }

    @Test
    void countsOutcomesFrozenWindowsAndFds() throws Exception {
        CapturedHost full = SyntheticImagesAccess.host(3, 10); // frozen 1500 us, 30 fds
        CapturedHost base = SyntheticImagesAccess.host(1, 4);
        CapturedHost partial = new CapturedHost(base.image(), base.capturedAtMs(), false, 0, "pid 7 exited");
        try (FleetMetrics m = new FleetMetrics("agent")) {
            HostCapturer[] next = {(c, s, o) -> full};
            MeteredCapturer metered = new MeteredCapturer((c, s, o) -> next[0].capture(c, s, o), m);

            assertSame(full, metered.capture("c1", SELECTION, OPTIONS));
            next[0] = (c, s, o) -> partial;
            metered.capture("c2", SELECTION, OPTIONS);
            next[0] = (c, s, o) -> { throw new CaptureException("no such process 1"); };
            assertThrows(CaptureException.class, () -> metered.capture("c3", SELECTION, OPTIONS));

            assertEquals(1.0, sample(m, "fleetckpt_captures_total{outcome=\"ok\",role=\"agent\"}"));
            assertEquals(1.0, sample(m, "fleetckpt_captures_total{outcome=\"partial\",role=\"agent\"}"));
            assertEquals(1.0, sample(m, "fleetckpt_captures_total{outcome=\"failed\",role=\"agent\"}"));
            assertEquals(34.0, sample(m, "fleetckpt_fds_captured_total{role=\"agent\"}"));
            // only the frozen capture has a window: 1500 us
            assertEquals(1.0, sample(m, "fleetckpt_frozen_window_seconds_count{role=\"agent\"}"));
            assertEquals(0.0015, sample(m, "fleetckpt_frozen_window_seconds_sum{role=\"agent\"}"), 1e-12);
        }
    }
}
