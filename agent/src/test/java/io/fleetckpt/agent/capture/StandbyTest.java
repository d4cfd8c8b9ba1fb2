package io.fleetckpt.agent.capture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandbyTest {
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>());

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** Waits until no pool thread is busy: an armed thread went back to the pool. */
    private void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.getActiveCount() > 0 && System.nanoTime() < deadline) Thread.sleep(1);
        assertEquals(0, pool.getActiveCount(), "pool threads still busy");
    }

    @Test
    void theArmedThreadRunsTheNextTaskAndTheOneAfterGoesToThePool() throws Exception {
        Standby s = new Standby(pool);
        s.arm();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.getActiveCount() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();
        assertEquals(1, pool.getActiveCount(), "arming occupies one pool thread");
        AtomicReference<Thread> first = new AtomicReference<>(), second = new AtomicReference<>();
        CountDownLatch hold = new CountDownLatch(1), done = new CountDownLatch(2);
        s.execute(() -> {
            first.set(Thread.currentThread());
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        assertEquals(1, pool.getTaskCount(), "the first task went to the armed thread, not to the pool");
        s.execute(() -> {
            second.set(Thread.currentThread());
            done.countDown();
        });
        assertEquals(2, pool.getTaskCount(), "the second task went to the pool");
        hold.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertNotEquals(first.get(), second.get(), "the second task ran on another pool thread");
        awaitIdle();
    }

    @Test
    void releaseGivesAnUnusedThreadBackEvenAfterItParked() throws Exception {
        Standby s = new Standby(pool);
        s.arm();
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Standby.SPIN_NANOS) * 5); // long past its spin: parked
        assertEquals(1, pool.getActiveCount());
        s.release();
        awaitIdle();
        // nothing armed now: a task goes straight to the pool and still runs
        CountDownLatch ran = new CountDownLatch(1);
        s.execute(ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
    }

    @Test
    void armingAgainReleasesTheThreadArmedBefore() throws Exception {
        Standby s = new Standby(pool);
        s.arm();
        s.arm();
        s.release();
        awaitIdle();
    }
}
