package io.fleetckpt.restore;

import io.fleetckpt.restore.plan.RestorePlan;
import io.fleetckpt.restore.report.RestoreReport;
import io.fleetckpt.restore.spawn.SpawnedTask;

import java.util.List;

/** The report plus the COMMANDs started (empty for a dry run or when nothing was run). */
public record RestoreOutcome(RestorePlan plan, RestoreReport report, List<SpawnedTask> spawned) {
    public RestoreOutcome {
        spawned = List.copyOf(spawned);
    }
}
