package io.fleetckpt.agent.capture;

import java.time.Duration;

/**
 * How long the work of a capture may take, so that a call that never returns (a stat on a hung
 * filesystem that ignores AT_STATX_DONT_SYNC, a driver's fdinfo) cannot keep the tasks frozen:
 * <ul>
 *   <li>a single per-fd call that has not returned after {@link #stallNanos} (a quarter of the
 *       bound) is given up: its task fails, its thread is abandoned, a fresh one carries on with
 *       the other tasks;</li>
 *   <li>reading fds stops at {@link #scanDeadlineNanos} (three quarters of the bound): what
 *       is unfinished then fails, and what was read is compared in the last quarter, which needs
 *       the tasks still frozen and no filesystem;</li>
 *   <li>comparing stops at {@link #deadlineNanos} (the bound): what is not compared then fails,
 *       and the tasks are thawed.</li>
 * </ul>
 *
 * @param bound             the frozen window's bound as the user gave it (for messages)
 * @param scanDeadlineNanos System.nanoTime() at which reading fds stops; Long.MAX_VALUE for never
 * @param deadlineNanos     System.nanoTime() at which the window must end; Long.MAX_VALUE for never
 * @param stallNanos        how long one call may take
 */
public record WindowBudget(Duration bound, long scanDeadlineNanos, long deadlineNanos, long stallNanos) {
    /** The frozen window started at {@code windowStart} (System.nanoTime()) and may last {@code bound}. */
    public static WindowBudget frozen(Duration bound, long windowStart) {
        long b = bound.toNanos();
        return new WindowBudget(bound, windowStart + b / 4 * 3, windowStart + b, Math.max(1, b / 4));
    }

    /** No deadline (the tasks are not frozen), but a call is still not waited for forever. */
    public static WindowBudget unfrozen(Duration bound) {
        return new WindowBudget(bound, Long.MAX_VALUE, Long.MAX_VALUE, Math.max(1, bound.toNanos() / 4));
    }

    /** The window's bound has been reached. */
    public boolean expired(long now) {
        return deadlineNanos != Long.MAX_VALUE && now - deadlineNanos >= 0;
    }

    boolean scanExpired(long now) {
        return scanDeadlineNanos != Long.MAX_VALUE && now - scanDeadlineNanos >= 0;
    }

    /** "7.5 s", "250 ms", for people. */
    static String seconds(long nanos) {
        if (nanos < 1_000_000_000L) return nanos / 1_000_000 + " ms";
        double s = nanos / 1e9;
        return s == Math.rint(s) ? (long) s + " s" : String.format("%.1f s", s);
    }

    String stallText() {
        return seconds(stallNanos);
    }

    /** The bound, for messages: "30 s". */
    public String boundText() {
        return seconds(bound.toNanos());
    }
}
