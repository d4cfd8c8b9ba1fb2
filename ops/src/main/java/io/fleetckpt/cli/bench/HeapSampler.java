package io.fleetckpt.cli.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples used heap every few milliseconds on a daemon thread and keeps the peak; also keeps
 * the peak of the heap left after each collection, which is what the program holds (the plain
 * peak mostly says how much garbage the collector let pile up in a large heap).
 */
final class HeapSampler implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private volatile long peak;
    private volatile long peakAfterGc;
    /** The same two peaks since {@link #startWindow()}. */
    private volatile long windowPeak;
    private volatile long windowPeakAfterGc;
    private volatile boolean running = true;

    HeapSampler() {
        NotificationListener afterGc = (Notification n, Object handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long used = 0;
            for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) used += u.getUsed();
            synchronized (this) {
                peakAfterGc = Math.max(peakAfterGc, used);
                windowPeakAfterGc = Math.max(windowPeakAfterGc, used);
            }
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(afterGc, null, null);
                unsubscribe.add(() -> {
                    try {
                        e.removeNotificationListener(afterGc);
                    } catch (javax.management.ListenerNotFoundException ignored) {
                        // already gone
                    }
                });
            }
        }
        thread = new Thread(() -> {
            while (running) {
                long used = memory.getHeapMemoryUsage().getUsed();
                peak = Math.max(peak, used);
                windowPeak = Math.max(windowPeak, used);
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

    /** The most heap any collection left in use (0 if none ran). */
    long peakAfterGcBytes() {
        return peakAfterGc;
    }

    /** Starts measuring the peaks of one phase of the run; returns the heap in use now. */
    synchronized long startWindow() {
        windowPeak = memory.getHeapMemoryUsage().getUsed();
        windowPeakAfterGc = 0;
        return windowPeak;
    }

    long windowPeakBytes() {
        return Math.max(windowPeak, memory.getHeapMemoryUsage().getUsed());
    }

    long windowPeakAfterGcBytes() {
        return windowPeakAfterGc;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        unsubscribe.forEach(Runnable::run);
    }
}
