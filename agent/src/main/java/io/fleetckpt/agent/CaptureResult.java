package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.freeze.FreezeMethod;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a capture produced: the tasks captured completely (TREE order), the errors of those
 * that were not (left out of the image, never written with a short table), how the tasks were
 * kept still, and timing.
 *
 * @param epochSeconds   when the capture started (the image header's time)
 * @param frozen         true if every captured task was frozen while its table was read;
 *                       false means "not frozen": scanned until two scans agreed
 * @param method         how they were frozen
 * @param alreadyFrozen  tasks someone else had frozen: captured, and left frozen
 * @param scans          how many scans it took (1 when frozen)
 * @param threads        threads used for the per-fd work
 * @param notes          things worth telling the user that are not errors (thaw problems,
 *                       state files of dead agents cleaned up, a freeze that timed out)
 */
public record CaptureResult(long epochSeconds, HostInfo host, boolean frozen, FreezeMethod method,
                            List<CapturedTask> tasks, List<TaskError> errors, List<Integer> alreadyFrozen,
                            int scans, int threads, CaptureTimings timings, List<String> notes) {
    public CaptureResult {
        tasks = List.copyOf(tasks);
        errors = List.copyOf(errors);
        alreadyFrozen = List.copyOf(alreadyFrozen);
        notes = List.copyOf(notes);
    }

    /** Some selected task could not be captured. */
    public boolean partial() {
        return !errors.isEmpty();
    }

    /** fds over all tasks; a shared table counts once. */
    public long fdCount() {
        return tasks.stream().filter(t -> t.tableOwner() == 0).mapToLong(t -> t.fds().size()).sum();
    }

    /** Distinct open file descriptions. */
    public int openFileCount() {
        Set<Integer> refs = new HashSet<>();
        for (CapturedTask t : tasks) for (CapturedFd f : t.fds()) refs.add(f.objref());
        return refs.size();
    }
}
