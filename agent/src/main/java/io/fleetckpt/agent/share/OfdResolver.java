package io.fleetckpt.agent.share;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.sys.Errno;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.format.model.FdType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds which fds, in one task or across tasks, are one open file description.
 * <p>
 * Fds of one description always agree on mnt_id, ino, kind, f_flags and (while frozen) pos, so
 * they are bucketed by that key first; a bucket of one is its own description, a socket bucket is
 * one description (a socket inode has exactly one file), and every other bucket is sorted with
 * kcmp(KCMP_FILE) as the comparator and cut where neighbours differ: O(g log g) kcmp calls per
 * bucket, never all pairs (all pairs took 28 minutes at 40k fds, this 0.3 s).
 */
public final class OfdResolver {
    private final Syscalls sys;
    private final ExecutorService pool;
    private final int helpers;
    private final boolean keyOnPos;

    /**
     * @param keyOnPos false when the tasks run (not frozen): a shared position can move between
     *                 reading two of its fds, so only kcmp may separate them
     */
    public OfdResolver(Syscalls sys, ExecutorService pool, int helpers, boolean keyOnPos) {
        this.sys = sys;
        this.pool = helpers > 0 ? pool : null;
        this.helpers = pool == null ? 0 : helpers;
        this.keyOnPos = keyOnPos;
    }

    /**
     * @param reps     for each task, for each fd, the flat index of the description's
     *                 representative (its first fd in task order, then fd order)
     * @param failures fds kcmp could not compare; their tasks' sharing is unknown
     * @param kcmpCalls how many kcmp calls it took
     */
    public record Result(int[][] reps, List<KcmpFailure> failures, long kcmpCalls) {
    }

    private record Key(int mntId, long ino, int flags, long pos, FdType type) {
    }

    public Result resolve(List<TaskFds> tasks) {
        int total = 0;
        int[] base = new int[tasks.size()];
        for (int t = 0; t < tasks.size(); t++) {
            base[t] = total;
            total += tasks.get(t).fds().size();
        }
        int[] pid = new int[total];
        int[] fd = new int[total];
        Map<Key, List<Integer>> buckets = new HashMap<>();
        int k = 0;
        for (TaskFds t : tasks) {
            for (CapturedFd f : t.fds()) {
                pid[k] = t.pid();
                fd[k] = f.fd();
                Key key = new Key(f.mntId(), f.ino(), f.flags(), keyOnPos ? f.pos() : 0, f.type());
                buckets.computeIfAbsent(key, x -> new ArrayList<>(2)).add(k);
                k++;
            }
        }
        int[] rep = new int[total];
        List<List<Integer>> toSort = new ArrayList<>();
        for (Map.Entry<Key, List<Integer>> e : buckets.entrySet()) {
            List<Integer> b = e.getValue();
            if (b.size() == 1 || e.getKey().type() == FdType.SOCK) {
                int first = b.get(0); // buckets fill in flat order: the first is the lowest
                for (int x : b) rep[x] = first;
            } else {
                toSort.add(b);
            }
        }
        // Largest buckets first, so the threads finish together.
        toSort.sort(Comparator.comparingInt((List<Integer> b) -> b.size()).reversed());

        List<KcmpFailure> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            long n = 0;
            for (int i; (i = next.getAndIncrement()) < toSort.size(); ) {
                n += splitBucket(toSort.get(i), pid, fd, rep, failures);
            }
            calls.addAndGet(n);
        };
        int extra = pool != null && total >= 1024 ? Math.min(helpers, toSort.size() - 1) : 0;
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < extra; i++) futures.add(pool.submit(work));
        work.run();
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while comparing files", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("kcmp worker failed: " + e.getCause(), e.getCause());
            }
        }

        int[][] reps = new int[tasks.size()][];
        for (int t = 0; t < tasks.size(); t++) {
            reps[t] = new int[tasks.get(t).fds().size()];
            System.arraycopy(rep, base[t], reps[t], 0, reps[t].length);
        }
        return new Result(reps, List.copyOf(failures), calls.get());
    }

    /** Sorts one bucket by kcmp and assigns each run of equal files its lowest index. */
    private long splitBucket(List<Integer> bucket, int[] pid, int[] fd, int[] rep, List<KcmpFailure> failures) {
        long[] n = {0};
        Comparator<Integer> byFile = (x, y) -> {
            n[0]++;
            int r = sys.kcmp(pid[x], pid[y], Syscalls.KCMP_FILE, fd[x], fd[y]);
            if (r < 0 || r > 2) throw new CompareFailed(x, y, r);
            return r == 0 ? 0 : r == 1 ? -1 : 1;
        };
        Integer[] items = bucket.toArray(new Integer[0]);
        try {
            java.util.Arrays.sort(items, byFile);
            int runStart = 0;
            for (int j = 1; j <= items.length; j++) {
                if (j == items.length || byFile.compare(items[j - 1], items[j]) != 0) {
                    int low = Integer.MAX_VALUE;
                    for (int q = runStart; q < j; q++) low = Math.min(low, items[q]);
                    for (int q = runStart; q < j; q++) rep[items[q]] = low;
                    runStart = j;
                }
            }
        } catch (CompareFailed e) {
            // Name the fd kcmp cannot see any more. The bucket stays unsplit-as-unknown: every fd
            // its own description, and its tasks are flagged through the failure.
            for (int x : bucket) rep[x] = x;
            boolean named = false;
            for (int x : new int[] {e.x, e.y}) {
                n[0]++;
                int self = sys.kcmp(pid[x], pid[x], Syscalls.KCMP_FILE, fd[x], fd[x]);
                if (self != 0) {
                    named = true;
                    failures.add(new KcmpFailure(pid[x], fd[x], Math.max(0, -self), "kcmp(KCMP_FILE) on pid " + pid[x]
                            + " fd " + fd[x] + ": " + (self < 0 ? Errno.describe(self) : "unexpected result " + self)));
                }
            }
            if (!named) {
                failures.add(new KcmpFailure(pid[e.x], fd[e.x], Math.max(0, -e.result), "kcmp(KCMP_FILE) between pid "
                        + pid[e.x] + " fd " + fd[e.x] + " and pid " + pid[e.y] + " fd " + fd[e.y] + ": "
                        + (e.result < 0 ? Errno.describe(e.result) : "unexpected result " + e.result)));
            }
        }
        return n[0];
    }

    private static final class CompareFailed extends RuntimeException {
        final int x;
        final int y;
        final int result;

        CompareFailed(int x, int y, int result) {
            super(null, null, false, false);
            this.x = x;
            this.y = y;
            this.result = result;
        }
    }
}
