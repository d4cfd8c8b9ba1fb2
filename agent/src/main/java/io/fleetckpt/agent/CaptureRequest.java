package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.StatCall;
import io.fleetckpt.agent.select.Selector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What to capture and how.
 *
 * @param selectors     processes to capture (any mix)
 * @param freeze        freeze the tasks (default); false = scan until two scans agree
 * @param threads       threads for the per-fd work and kcmp buckets (1 = the calling thread only)
 * @param freezeTimeout bound on waiting for the frozen state
 * @param stateDir      where the freezer keeps its state file (what to thaw if the agent dies)
 * @param listener      told about each phase (progress, tests)
 * @param statCall      how the open files are stat'ed ({@link StatCall#CACHED} unless measuring)
 * @param maxFrozen     bound on the frozen window: when the work inside it has not finished by
 *                      then, the tasks are thawed anyway and the unfinished ones fail; a single
 *                      call stuck for a quarter of it fails its task at once (see
 *                      {@link io.fleetckpt.agent.capture.WindowBudget})
 */
public record CaptureRequest(List<Selector> selectors, boolean freeze, int threads, Duration freezeTimeout,
                             Path stateDir, CaptureListener listener, StatCall statCall, Duration maxFrozen) {
    public static final Path DEFAULT_STATE_DIR = Path.of("/run/fleetckpt");
    public static final Duration DEFAULT_FREEZE_TIMEOUT = Duration.ofSeconds(5);
    /** The work of about a million fds at 25-30 µs each (measured here); larger captures need a larger bound. */
    public static final Duration DEFAULT_MAX_FROZEN = Duration.ofSeconds(30);
    /** How many scans --no-freeze tries before it reports a task as unstable. */
    public static final int MAX_UNFROZEN_SCANS = 10;

    public CaptureRequest {
        selectors = List.copyOf(selectors);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (listener == null) listener = CaptureListener.NONE;
        if (statCall == null) statCall = StatCall.CACHED;
        if (maxFrozen == null) maxFrozen = DEFAULT_MAX_FROZEN;
        if (maxFrozen.isNegative() || maxFrozen.isZero()) throw new IllegalArgumentException("maxFrozen must be positive, got " + maxFrozen);
    }

    /** Frozen, per-fd work over all cores, default timeout and state directory. */
    public static CaptureRequest of(List<Selector> selectors) {
        return new CaptureRequest(selectors, true, Runtime.getRuntime().availableProcessors(),
                DEFAULT_FREEZE_TIMEOUT, DEFAULT_STATE_DIR, CaptureListener.NONE, StatCall.CACHED, DEFAULT_MAX_FROZEN);
    }

    public CaptureRequest withFreeze(boolean f) {
        return new CaptureRequest(selectors, f, threads, freezeTimeout, stateDir, listener, statCall, maxFrozen);
    }

    public CaptureRequest withThreads(int t) {
        return new CaptureRequest(selectors, freeze, t, freezeTimeout, stateDir, listener, statCall, maxFrozen);
    }

    public CaptureRequest withStateDir(Path d) {
        return new CaptureRequest(selectors, freeze, threads, freezeTimeout, d, listener, statCall, maxFrozen);
    }

    public CaptureRequest withFreezeTimeout(Duration d) {
        return new CaptureRequest(selectors, freeze, threads, d, stateDir, listener, statCall, maxFrozen);
    }

    public CaptureRequest withListener(CaptureListener l) {
        return new CaptureRequest(selectors, freeze, threads, freezeTimeout, stateDir, l, statCall, maxFrozen);
    }

    public CaptureRequest withStatCall(StatCall c) {
        return new CaptureRequest(selectors, freeze, threads, freezeTimeout, stateDir, listener, c, maxFrozen);
    }

    public CaptureRequest withMaxFrozen(Duration d) {
        return new CaptureRequest(selectors, freeze, threads, freezeTimeout, stateDir, listener, statCall, d);
    }
}
