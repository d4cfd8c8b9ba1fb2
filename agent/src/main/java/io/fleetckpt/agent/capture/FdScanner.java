package io.fleetckpt.agent.capture;

import io.fleetckpt.agent.sys.Syscalls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scans the fd tables of tasks: lists each table (getdents64), then reads every fd with
 * {@link FdReader}. The per-fd work is cut into chunks that pool workers take in turn, each with
 * its own reader (dirfds, buffers); small captures use one worker because starting more would
 * cost more than it saves.
 * <p>
 * The calling thread does no per-fd work itself: it watches the workers, so that a call that
 * does not return (see {@link WindowBudget}) costs its own task and never the capture. A worker
 * stuck in a call longer than the budget's stall limit is given up and replaced, its task fails
 * with an error naming pid, fd and call; at the budget's scan deadline every unfinished task
 * fails the same way, and the scan returns anyway.
 */
public final class FdScanner {
    /** fds per chunk of work: large enough that switching tasks and threads is rare. */
    static final int CHUNK = 256;
    /** below this many fds in all, one worker does everything. */
    static final int PARALLEL_MIN_FDS = 2 * CHUNK;
    /** How long the calling thread spins for a scan to end before it parks; see {@link #awaitSpinning}. */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(300);
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** How often the calling thread looks for stuck workers while the scan runs. */
    private static final long WATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Syscalls sys;
    private final ExecutorService pool;
    private final int threads;
    private final StatCall statCall;
    private final WindowBudget budget;

    /**
     * @param pool    where the workers run (never the calling thread); it must start a thread
     *                for each task it is given while its threads are busy, as a stuck worker
     *                never frees its own
     * @param threads how many workers a large scan uses
     */
    public FdScanner(Syscalls sys, ExecutorService pool, int threads, StatCall statCall, WindowBudget budget) {
        this.sys = sys;
        this.pool = pool;
        this.threads = Math.max(1, threads);
        this.statCall = statCall;
        this.budget = budget;
    }

    /**
     * Threads that scans gave up (in this JVM) whose call has still not returned: each ends
     * when its call does, which for a hung filesystem may be never.
     */
    public static int threadsStillBlocked() {
        return CallProbe.stillBlocked();
    }

    /** @return one scan per pid, in the order given */
    public Map<Integer, TaskScan> scan(List<Integer> pids) {
        return scan(pids, () -> { });
    }

    /**
     * @param meanwhile work for the calling thread while the workers read fds (it would only
     *                  wait otherwise); it must not make calls that can block on a filesystem
     * @return one scan per pid, in the order given
     */
    public Map<Integer, TaskScan> scan(List<Integer> pids, Runnable meanwhile) {
        FdLister lister = new FdLister(sys);
        Map<Integer, int[]> listed = new LinkedHashMap<>();
        Map<Integer, AtomicInteger> spareDirs = new LinkedHashMap<>();
        Map<Integer, TaskError> failed = new LinkedHashMap<>();
        long total = 0;
        for (int pid : pids) {
            try {
                FdLister.Listing l = lister.listKeepingDir(pid);
                listed.put(pid, l.fds());
                spareDirs.put(pid, new AtomicInteger(l.fdDir()));
                total += l.fds().length;
            } catch (FdLister.TaskFailure f) {
                failed.put(pid, f.error);
            }
        }
        Job job = new Job(listed, spareDirs);
        int workers = total >= PARALLEL_MIN_FDS ? Math.min(threads, job.chunks.size()) : 1;
        try {
            if (job.chunks.isEmpty()) meanwhile.run();
            else watch(job, workers, meanwhile);
        } finally {
            job.closeSpareDirs();
        }

        Map<Integer, TaskScan> result = new LinkedHashMap<>();
        for (int pid : pids) {
            TaskError whole = failed.containsKey(pid) ? failed.get(pid) : job.taskFailures.get(pid);
            if (whole != null) {
                result.put(pid, new TaskScan(pid, List.of(), List.of(whole)));
                continue;
            }
            Object[] out = job.slots.get(pid);
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

    /** Starts the workers and waits for them, giving up those stuck in a call. */
    private void watch(Job job, int workers, Runnable meanwhile) {
        List<Worker> live = new ArrayList<>();
        for (int i = 0; i < workers; i++) live.add(job.start());
        try {
            meanwhile.run();
            if (workers < CORES) awaitSpinning(job.done);
            while (!job.done.await(WATCH_NANOS, TimeUnit.NANOSECONDS)) {
                if (job.failure.get() != null) break;
                long now = System.nanoTime();
                if (budget.scanExpired(now)) {
                    job.cancelled = true;
                    String notRead = "not read before the frozen window's time for reading fds ran out (three quarters of its bound of "
                            + budget.boundText() + ")";
                    for (Worker w : live) {
                        CallProbe.Stuck s = w.probe.giveUpIfOlder(now, 0);
                        if (s != null) job.fail(s.pid(), new TaskError(s.pid(), s.fd(), TaskError.Kind.HUNG,
                                notRead + "; " + s.call() + " was in flight for " + WindowBudget.seconds(s.nanos())));
                    }
                    job.failUnfinished(notRead);
                    return;
                }
                for (int i = 0; i < live.size(); i++) {
                    CallProbe.Stuck s = live.get(i).probe.giveUpIfOlder(now, budget.stallNanos());
                    if (s == null) continue;
                    job.fail(s.pid(), new TaskError(s.pid(), s.fd(), TaskError.Kind.HUNG, s.call() + " did not return within "
                            + budget.stallText() + " (a hung filesystem?)"));
                    job.done.countDown(); // the chunk it held: its task has failed
                    live.set(i, job.start());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.cancelled = true;
            throw new IllegalStateException("interrupted while scanning", e);
        }
        Throwable t = job.failure.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
    }

    /**
     * Waits for a small scan without parking: a parked thread takes 10-25 µs to wake on a VM,
     * which a 10-fd window would notice. Only while a core is free (fewer workers than cores),
     * and never longer than {@link #SPIN_NANOS}.
     */
    private static void awaitSpinning(CountDownLatch done) {
        long deadline = System.nanoTime() + SPIN_NANOS;
        for (int spins = 0; done.getCount() > 0 && System.nanoTime() - deadline < 0; spins++) {
            if ((spins & 63) == 63) Thread.yield();
            else Thread.onSpinWait();
        }
    }

    /** The shared state of one scan: its chunks, what was read, which tasks failed. */
    private final class Job {
        final List<Chunk> chunks = new ArrayList<>();
        final Map<Integer, Object[]> slots = new LinkedHashMap<>();
        /** chunks not yet finished per task; 0 = the task's table is complete in {@link #slots} */
        final Map<Integer, AtomicInteger> unfinished = new LinkedHashMap<>();
        final Map<Integer, TaskError> taskFailures = new ConcurrentHashMap<>();
        final AtomicInteger next = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** counts chunks down as they are read, skipped (failed task) or given up with their worker */
        final CountDownLatch done;
        volatile boolean cancelled;

        /** per task, the lister's /proc/PID/fd dirfd until a reader takes it over (then -1) */
        final Map<Integer, AtomicInteger> spareDirs;

        Job(Map<Integer, int[]> listed, Map<Integer, AtomicInteger> spareDirs) {
            this.spareDirs = spareDirs;
            // Chunks are dealt round-robin over the processes, so that threads taking the next chunk
            // are mostly on different processes: /proc/PID/fd work on one process contends in the
            // kernel (its fd directory's dentry, task_lock, file_lock), measured on Linux 6.18 at
            // 1.2-1.35x on two threads even in C, against 1.6x on two different processes.
            List<List<Chunk>> perTask = new ArrayList<>();
            for (Map.Entry<Integer, int[]> e : listed.entrySet()) {
                int[] fds = e.getValue();
                slots.put(e.getKey(), new Object[fds.length]);
                List<Chunk> mine = new ArrayList<>();
                for (int from = 0; from < fds.length; from += CHUNK) {
                    mine.add(new Chunk(e.getKey(), fds, from, Math.min(fds.length, from + CHUNK)));
                }
                unfinished.put(e.getKey(), new AtomicInteger(mine.size()));
                perTask.add(mine);
            }
            int rounds = perTask.stream().mapToInt(List::size).max().orElse(0);
            for (int round = 0; round < rounds; round++) {
                for (List<Chunk> mine : perTask) if (round < mine.size()) chunks.add(mine.get(round));
            }
            done = new CountDownLatch(chunks.size());
        }

        Worker start() {
            Worker w = new Worker(this, new FdReader(sys, statCall));
            pool.execute(w);
            return w;
        }

        /** The lister's dirfd of the task, for one reader only: it becomes that reader's own. */
        int takeDir(int pid) {
            AtomicInteger d = spareDirs.get(pid);
            return d == null ? -1 : d.getAndSet(-1);
        }

        /**
         * Closes what no reader took. A worker given up and still running takes nothing after
         * this, so no thread ever uses a dirfd another has closed (and its number perhaps reused).
         */
        void closeSpareDirs() {
            for (AtomicInteger d : spareDirs.values()) {
                int fd = d.getAndSet(-1);
                if (fd >= 0) sys.close(fd);
            }
        }

        void fail(int pid, TaskError e) {
            taskFailures.putIfAbsent(pid, e);
        }

        void failUnfinished(String why) {
            for (Map.Entry<Integer, AtomicInteger> e : unfinished.entrySet()) {
                if (e.getValue().get() > 0) fail(e.getKey(), TaskError.task(e.getKey(), TaskError.Kind.HUNG, why));
            }
        }
    }

    /** Takes chunks until none is left; stops at once when the coordinator gave it up. */
    private static final class Worker implements Runnable {
        final Job job;
        final FdReader reader;
        final CallProbe probe;

        Worker(Job job, FdReader reader) {
            this.job = job;
            this.reader = reader;
            this.probe = reader.probe();
        }

        @Override
        public void run() {
            try (reader) {
                for (int c; !job.cancelled && (c = job.next.getAndIncrement()) < job.chunks.size(); ) {
                    if (!read(job.chunks.get(c))) return;
                    job.done.countDown();
                }
            } catch (RuntimeException | Error e) {
                job.failure.compareAndSet(null, e);
            }
        }

        /** @return false if given up (the chunk's task has failed, and its count is the coordinator's) */
        private boolean read(Chunk ch) {
            if (job.taskFailures.containsKey(ch.pid)) return true;
            long token = probe.begin(ch.pid, -1);
            try {
                reader.task(ch.pid, () -> job.takeDir(ch.pid));
            } catch (FdLister.TaskFailure f) {
                job.fail(ch.pid, f.error);
            }
            if (!probe.end(token)) return false;
            if (job.taskFailures.containsKey(ch.pid)) return true;
            Object[] out = job.slots.get(ch.pid);
            for (int i = ch.from; i < ch.to; i++) {
                if (job.cancelled) return true;
                token = probe.begin(ch.pid, ch.fds[i]);
                Object o = reader.read(ch.fds[i]);
                if (!probe.end(token)) return false;
                out[i] = o;
            }
            job.unfinished.get(ch.pid).decrementAndGet();
            return true;
        }
    }

    private record Chunk(int pid, int[] fds, int from, int to) {
    }
}
