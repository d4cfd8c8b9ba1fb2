package io.fleetckpt.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time for benchmarks: of the whole process (every thread: broker, GC and JIT included) and
 * of the threads whose name starts with a prefix (one component's own work). Less sensitive
 * to other load on the machine than wall-clock time.
 */
final class CpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuClock() {
    }

    /** CPU time of this process so far. */
    static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of the calling thread so far. */
    static long currentThreadNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** CPU time so far of each live thread named {@code prefix...}, by thread id. */
    static Map<Long, Long> threadsNamed(String prefix) {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t == null || !t.getThreadName().startsWith(prefix)) continue;
            long n = THREADS.getThreadCpuTime(t.getThreadId());
            if (n >= 0) cpu.put(t.getThreadId(), n);
        }
        return cpu;
    }

    /**
     * CPU used since {@code before} by the live threads named {@code prefix...}: threads started
     * since count whole, threads that ended since are not counted (take it before they end).
     */
    static long threadsNamedSince(String prefix, Map<Long, Long> before) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : threadsNamed(prefix).entrySet()) sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        return sum;
    }
}
