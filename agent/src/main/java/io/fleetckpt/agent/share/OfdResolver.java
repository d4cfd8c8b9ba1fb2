package io.fleetckpt.agent.share;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.Workers;
import io.fleetckpt.agent.sys.Errno;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.format.model.FdType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
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
    private final long deadlineNanos;

    /**
     * @param keyOnPos      false when the tasks run (not frozen): a shared position can move
     *                      between reading two of its fds, so only kcmp may separate them
     * @param deadlineNanos System.nanoTime() after which no further bucket is started (the
     *                      frozen window's bound); Long.MAX_VALUE for none
     */
    public OfdResolver(Syscalls sys, ExecutorService pool, int helpers, boolean keyOnPos, long deadlineNanos) {
        this.sys = sys;
        this.pool = helpers > 0 ? pool : null;
        this.helpers = pool == null ? 0 : helpers;
        this.keyOnPos = keyOnPos;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * @param reps     for each task, for each fd, the flat index of the description's
     *                 representative (its first fd in task order, then fd order)
     * @param failures fds kcmp could not compare; their tasks' sharing is unknown
     * @param kcmpCalls how many kcmp calls it took
     * @param expired  the deadline came before every bucket was compared: {@code reps} are not
     *                 to be used
     */
    public record Result(int[][] reps, List<KcmpFailure> failures, long kcmpCalls, boolean expired) {
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
        if (toSort.isEmpty()) return new Result(split(rep, base, tasks), List.of(), 0, false); // nothing for kcmp
        // One process's buckets go to one thread at a time: kcmp locks both tasks (task_lock,
        // exec_update_lock), so two threads comparing fds of one process contend and are slower
        // together than one alone (measured on Linux 6.18: 10,000 calls 3.3 ms on one thread,
        // 5.0 ms on two), while threads on different processes scale. Largest first, so the
        // threads finish together.
        Map<Integer, List<List<Integer>>> byProcess = new HashMap<>();
        for (List<Integer> b : toSort) byProcess.computeIfAbsent(pid[b.get(0)], x -> new ArrayList<>()).add(b);
        List<List<List<Integer>>> units = new ArrayList<>(byProcess.values());
        units.sort(Comparator.comparingInt((List<List<Integer>> u) -> u.stream().mapToInt(List::size).sum()).reversed());

        List<KcmpFailure> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
        AtomicInteger next = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
        boolean bounded = deadlineNanos != Long.MAX_VALUE;
        Runnable work = () -> {
            long n = 0;
            for (int i; !expired.get() && (i = next.getAndIncrement()) < units.size(); ) {
                for (List<Integer> b : units.get(i)) {
                    if (bounded && System.nanoTime() - deadlineNanos >= 0) {
                        expired.set(true);
                        break;
                    }
                    n += splitBucket(b, pid, fd, rep, failures);
                }
            }
            calls.addAndGet(n);
        };
        int extra = pool != null && total >= 1024 ? Math.min(helpers, units.size() - 1) : 0;
        Workers.runEverywhere(pool, extra, work, "comparing files");

        return new Result(split(rep, base, tasks), List.copyOf(failures), calls.get(), expired.get());
    }

    /** The flat representatives cut into one array per task. */
    private static int[][] split(int[] rep, int[] base, List<TaskFds> tasks) {
        int[][] reps = new int[tasks.size()][];
        for (int t = 0; t < tasks.size(); t++) {
            reps[t] = new int[tasks.get(t).fds().size()];
            System.arraycopy(rep, base[t], reps[t], 0, reps[t].length);
        }
        return reps;
    }

    /** Sorts one bucket by kcmp and assigns each group of equal files its lowest index. */
    private long splitBucket(List<Integer> bucket, int[] pid, int[] fd, int[] rep, List<KcmpFailure> failures) {
        long[] n = {0}; // one thread sorts a bucket
        GroupingSort.Cmp byFile = (x, y) -> {
            n[0]++;
            int r = sys.kcmp(pid[x], pid[y], Syscalls.KCMP_FILE, fd[x], fd[y]);
            if (r < 0 || r > 2) throw new CompareFailed(x, y, r);
            return r == 0 ? 0 : r == 1 ? -1 : 1;
        };
        int[] items = bucket.stream().mapToInt(Integer::intValue).toArray();
        try {
            assign(GroupingSort.sort(items, byFile), rep);
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

    private static void assign(List<int[]> groups, int[] rep) {
        for (int[] g : groups) {
            int low = Integer.MAX_VALUE;
            for (int x : g) low = Math.min(low, x);
            for (int x : g) rep[x] = low;
        }
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
