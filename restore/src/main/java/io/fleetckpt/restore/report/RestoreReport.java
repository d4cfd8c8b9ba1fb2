package io.fleetckpt.restore.report;

import java.util.List;

/**
 * The whole outcome. {@code commandRun} is false for a dry run, under --unrestorable fail when
 * something could not be restored, or when COMMAND could not start ({@code error} says why).
 */
public record RestoreReport(boolean dryRun, String root, String policy, boolean commandRun, String error,
                            List<TaskReport> tasks) {
    public static final int EXIT_ALL_RESTORED = 0;
    public static final int EXIT_PARTIAL = 1;
    public static final int EXIT_BAD = 2;

    public RestoreReport {
        tasks = List.copyOf(tasks);
    }

    public long count(FdStatus s) {
        return tasks.stream().flatMap(t -> t.fds().stream()).filter(f -> f.status() == s).count();
    }

    public long warningCount() {
        return tasks.stream().flatMap(t -> t.fds().stream()).filter(f -> !f.warnings().isEmpty()).count();
    }

    /** 0 when every fd was restored exactly, 1 when anything is a placeholder, skipped, failed or differs. */
    public int exitCode() {
        if (error != null) return EXIT_BAD;
        if (dryRun) return EXIT_ALL_RESTORED;
        boolean exact = tasks.stream().flatMap(t -> t.fds().stream())
                .allMatch(f -> f.status() == FdStatus.RESTORED && f.warnings().isEmpty()
                        // open, but without its close-on-exec flag unless COMMAND sets it from the list
                        && !"deferred".equals(f.cloexec()));
        return exact && commandRun ? EXIT_ALL_RESTORED : EXIT_PARTIAL;
    }
}
