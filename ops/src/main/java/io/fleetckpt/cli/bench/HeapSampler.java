package io.fleetckpt.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Samples used heap every few milliseconds on a daemon thread and keeps the peak. */
final class HeapSampler implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private volatile long peak;
    private volatile boolean running = true;

    HeapSampler() {
        thread = new Thread(() -> {
            while (running) {
                peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    long peakBytes() {
        return Math.max(peak, memory.getHeapMemoryUsage().getUsed());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
