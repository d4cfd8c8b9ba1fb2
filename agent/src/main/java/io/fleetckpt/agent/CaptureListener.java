package io.fleetckpt.agent;

import java.util.List;

/** Told when a capture enters a phase; for progress output (and tests that act mid-capture). */
public interface CaptureListener {
    enum Phase { SELECTED, FROZEN, SCANNED, SHARED, THAWED }

    CaptureListener NONE = (phase, pids) -> { };

    /** @param pids the tasks concerned */
    void onPhase(Phase phase, List<Integer> pids);
}
