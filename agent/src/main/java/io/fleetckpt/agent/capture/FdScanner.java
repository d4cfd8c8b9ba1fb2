package io.fleetckpt.agent.capture;

import io.fleetckpt.agent.sys.Syscalls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scans the fd tables of tasks: lists each table (getdents64), then reads every fd with
 * {@link FdReader}. The per-fd work is cut into chunks that the calling thread and, if given,
 * pool workers take in turn, each with its own reader (dirfds, buffers); small captures stay on
 * the calling thread because starting work elsewhere would cost more than it saves.
 */
public final class FdScanner {
    /** fds per chunk of work: large enough that switching tasks and threads is rare. */
    static final int CHUNK = 256;
    /** below this many fds in all, the calling thread does everything. */
    static final int PARALLEL_MIN_FDS = 2 * CHUNK;

    private final Syscalls sys;
    private final ExecutorService pool;
    private final int helpers;
    private final StatCall statCall;

    /**
     * @param pool    workers for the per-fd work, or null to stay single-threaded
     * @param helpers how many pool workers join the calling thread (threads - 1)
     */
    public FdScanner(Syscalls sys, ExecutorService pool, int helpers, StatCall statCall) {
        this.sys = sys;
        this.pool = helpers > 0 ? pool : null;
        this.helpers = pool == null ? 0 : helpers;
        this.statCall = statCall;
    }

    /** @return one scan per pid, in the order given */
    public Map<Integer, TaskScan> scan(List<Integer> pids) {
        FdLister lister = new FdLister(sys);
        Map<Integer, int[]> listed = new LinkedHashMap<>();
        Map<Integer, TaskError> failed = new LinkedHashMap<>();
        long total = 0;
        for (int pid : pids) {
            try {
                int[] fds = lister.list(pid);
                listed.put(pid, fds);
                total += fds.length;
            } catch (FdLister.TaskFailure f) {
                failed.put(pid, f.error);
            }
        }

        // Chunks are dealt round-robin over the processes, so that threads taking the next chunk
        // are mostly on different processes: /proc/PID/fd work on one process contends in the
        // kernel (its fd directory's dentry, task_lock, file_lock), measured on Linux 6.18 at
        // 1.2-1.35x on two threads even in C, against 1.6x on two different processes.
        List<List<Chunk>> perTask = new ArrayList<>();
        Map<Integer, Object[]> slots = new LinkedHashMap<>();
        for (Map.Entry<Integer, int[]> e : listed.entrySet()) {
            int[] fds = e.getValue();
            slots.put(e.getKey(), new Object[fds.length]);
            List<Chunk> mine = new ArrayList<>();
            for (int from = 0; from < fds.length; from += CHUNK) {
                mine.add(new Chunk(e.getKey(), fds, from, Math.min(fds.length, from + CHUNK)));
            }
            perTask.add(mine);
        }
        List<Chunk> chunks = new ArrayList<>();
        int rounds = perTask.stream().mapToInt(List::size).max().orElse(0);
        for (int round = 0; round < rounds; round++) {
            for (List<Chunk> mine : perTask) if (round < mine.size()) chunks.add(mine.get(round));
        }
        Map<Integer, TaskError> taskFailures = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            try (FdReader reader = new FdReader(sys, statCall)) {
                for (int c; (c = next.getAndIncrement()) < chunks.size(); ) {
                    Chunk ch = chunks.get(c);
                    if (taskFailures.containsKey(ch.pid)) continue;
                    try {
                        reader.task(ch.pid);
                    } catch (FdLister.TaskFailure f) {
                        taskFailures.putIfAbsent(ch.pid, f.error);
                        continue;
                    }
                    Object[] out = slots.get(ch.pid);
                    for (int i = ch.from; i < ch.to; i++) out[i] = reader.read(ch.fds[i]);
                }
            }
        };
        Workers.runEverywhere(pool, total >= PARALLEL_MIN_FDS && pool != null ? Math.min(helpers, chunks.size() - 1) : 0, work, "scanning");

        Map<Integer, TaskScan> result = new LinkedHashMap<>();
        for (int pid : pids) {
            TaskError whole = failed.containsKey(pid) ? failed.get(pid) : taskFailures.get(pid);
            if (whole != null) {
                result.put(pid, new TaskScan(pid, List.of(), List.of(whole)));
                continue;
            }
            Object[] out = slots.get(pid);
            List<CapturedFd> fds = new ArrayList<>(out.length);
            List<TaskError> errors = new ArrayList<>();
            for (Object o : out) {
                if (o instanceof CapturedFd f) fds.add(f);
                else errors.add((TaskError) o);
            }
            result.put(pid, new TaskScan(pid, fds, errors));
        }
        return result;
    }

    private record Chunk(int pid, int[] fds, int from, int to) {
    }
}
