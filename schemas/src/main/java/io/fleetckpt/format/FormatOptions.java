package io.fleetckpt.format;

/**
 * Options shared by writers and readers.
 *
 * @param strictV13 refuse what v13 could not express: fd types other than FILE (1) and DIR (2),
 *                  and shared fd tables (FILES.objref != 0)
 * @param maxTasks bound on TREE.tasks_nr, checked before anything is allocated for the tasks
 * @param maxFdsPerTask bound on FILES.nfds (default 1 << 20, Linux's default nr_open)
 */
public record FormatOptions(boolean strictV13, int maxTasks, int maxFdsPerTask) {
    /** PID_MAX_LIMIT on 64-bit Linux: no pid namespace holds more tasks. */
    public static final int DEFAULT_MAX_TASKS = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_FDS_PER_TASK = 1024 * 1024;
    public static final FormatOptions DEFAULT = new FormatOptions(false, DEFAULT_MAX_TASKS, DEFAULT_MAX_FDS_PER_TASK);
    public static final FormatOptions STRICT_V13 = DEFAULT.withStrictV13(true);

    public FormatOptions {
        if (maxTasks < 0 || maxFdsPerTask < 0) throw new IllegalArgumentException("negative limit");
    }

    public FormatOptions withStrictV13(boolean strict) {
        return new FormatOptions(strict, maxTasks, maxFdsPerTask);
    }

    public FormatOptions withLimits(int maxTasks, int maxFdsPerTask) {
        return new FormatOptions(strictV13, maxTasks, maxFdsPerTask);
    }
}
