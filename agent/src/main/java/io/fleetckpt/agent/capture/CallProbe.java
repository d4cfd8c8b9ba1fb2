package io.fleetckpt.agent.capture;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one scan worker is doing right now: which task and fd, which call, since when. The
 * worker marks each fd's start and end; the scan's coordinator reads it to find a call that does
 * not return and gives the worker up. Giving up and finishing race on one compare-and-set, so
 * exactly one of them wins: a worker that finds itself given up drops what it read and stops,
 * and the coordinator's verdict stands.
 */
final class CallProbe {
    static final int NONE = 0;
    static final int OPEN_DIRS = 1;
    static final int READLINK = 2;
    static final int FDINFO = 3;
    static final int STAT = 4;

    private static final long IDLE = 0;
    private static final long GIVEN_UP = Long.MIN_VALUE;

    /** Threads given up by any capture whose call has still not returned. */
    private static final AtomicInteger STILL_BLOCKED = new AtomicInteger();

    private final AtomicLong started = new AtomicLong(IDLE);
    private final String statName;
    private int pid;
    private int fd;
    private volatile int call;

    /** @param statName the stat call's name in messages ("statx", "stat") */
    CallProbe(String statName) {
        this.statName = statName;
    }

    /** How many abandoned threads are still stuck in the kernel. */
    static int stillBlocked() {
        return STILL_BLOCKED.get();
    }

    /** The worker starts on {@code fd} of {@code pid} (-1: the task's /proc directories); returns the token for {@link #end}. */
    long begin(int pid, int fd) {
        this.pid = pid;
        this.fd = fd;
        this.call = NONE;
        long t = System.nanoTime();
        if (t == IDLE || t == GIVEN_UP) t++;
        started.set(t); // publishes pid and fd to the coordinator
        return t;
    }

    void calling(int what) {
        call = what;
    }

    /** @return false if the coordinator gave this worker up meanwhile: drop the result and stop */
    boolean end(long token) {
        if (started.compareAndSet(token, IDLE)) return true;
        STILL_BLOCKED.decrementAndGet();
        return false;
    }

    /** What the coordinator learnt when it gave a worker up. */
    record Stuck(int pid, int fd, String call, long nanos) {
    }

    /**
     * Gives the worker up if its current fd has taken {@code limit} nanoseconds or more (0: if
     * it is busy at all).
     *
     * @return the call that did not return, or null if the worker is idle, younger, or finished just now
     */
    Stuck giveUpIfOlder(long now, long limit) {
        long s = started.get();
        if (s == IDLE || s == GIVEN_UP || now - s < limit) return null;
        int p = pid, f = fd, c = call; // read after started: the worker wrote them before it
        if (!started.compareAndSet(s, GIVEN_UP)) return null;
        STILL_BLOCKED.incrementAndGet();
        return new Stuck(p, f, describe(c, p, f), now - s);
    }

    private String describe(int c, int p, int f) {
        return switch (c) {
            case OPEN_DIRS -> "open /proc/" + p + "/fd";
            case READLINK -> "readlink /proc/" + p + "/fd/" + f;
            case FDINFO -> "read /proc/" + p + "/fdinfo/" + f;
            case STAT -> statName + " /proc/" + p + "/fd/" + f;
            default -> "reading /proc/" + p + "/fd/" + f;
        };
    }
}
