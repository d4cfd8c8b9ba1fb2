package io.fleetckpt.agent.capture;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * An executor over a pool whose next task can be taken by a thread woken ahead of time. Waking a
 * parked pool thread takes 20-50 µs on a VM (and again for the thread that waits for it), a
 * sixth of a 10-fd frozen window; {@link #arm} just before the freeze request wakes one while
 * the tasks freeze, and the scan's first worker then starts at once.
 * <p>
 * A woken thread spins (yielding, so the freezing tasks get a CPU) for at most
 * {@link #SPIN_NANOS}, then parks until it is given a task or {@link #release released}; either
 * way it goes back to the pool afterwards. Tasks beyond the armed threads go to the pool.
 */
public final class Standby extends AbstractExecutorService {
    /** How long an armed thread spins before it parks: the freeze plus listing a table of some 1,500 fds. */
    static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Runnable RELEASED = () -> { };

    private final ExecutorService pool;
    private Waiter armed;

    public Standby(ExecutorService pool) {
        this.pool = pool;
    }

    /** Wakes a pool thread to wait for the next task (replacing one armed before and not used). */
    public synchronized void arm() {
        release();
        Waiter w = new Waiter();
        pool.execute(w);
        armed = w;
    }

    /** The armed thread, if it took no task, goes back to the pool. */
    public synchronized void release() {
        if (armed != null) armed.offer(RELEASED);
        armed = null;
    }

    @Override
    public void execute(Runnable task) {
        Waiter w;
        synchronized (this) {
            w = armed;
            armed = null;
        }
        if (w == null || !w.offer(task)) pool.execute(task);
    }

    /** Waits in the pool for one task: spinning first, then parked. */
    private static final class Waiter implements Runnable {
        private final AtomicReference<Runnable> slot = new AtomicReference<>();
        private volatile Thread thread;

        /** @return false if the slot was taken (released before) */
        boolean offer(Runnable task) {
            if (!slot.compareAndSet(null, task)) return false;
            Thread t = thread; // read after the slot is set: a waiter that parks has seen it empty
            if (t != null) LockSupport.unpark(t);
            return true;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            long deadline = System.nanoTime() + SPIN_NANOS;
            Runnable task;
            for (int spins = 0; (task = slot.get()) == null; spins++) {
                if (System.nanoTime() - deadline < 0) {
                    if ((spins & 63) == 63) Thread.yield();
                    else Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            thread = null;
            task.run();
        }
    }

    @Override
    public void shutdown() {
        release();
    }

    @Override
    public List<Runnable> shutdownNow() {
        release();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return pool.awaitTermination(timeout, unit);
    }
}
