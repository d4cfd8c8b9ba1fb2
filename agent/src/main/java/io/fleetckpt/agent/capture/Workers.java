package io.fleetckpt.agent.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Runs one work loop on the calling thread and on {@code extra} pool threads, and waits for all. */
public final class Workers {
    private Workers() {
    }

    /**
     * @param what names the work in errors ("scanning", "comparing files")
     */
    public static void runEverywhere(ExecutorService pool, int extra, Runnable work, String what) {
        List<Future<?>> futures = new ArrayList<>(Math.max(0, extra));
        for (int i = 0; i < extra; i++) futures.add(pool.submit(work));
        work.run();
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + what, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException("worker failed while " + what + ": " + e.getCause(), e.getCause());
            }
        }
    }
}
