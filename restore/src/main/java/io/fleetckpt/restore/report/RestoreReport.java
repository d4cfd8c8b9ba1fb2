package io.fleetckpt.restore.report;

import java.util.List;

/**
 * The whole outcome. {@code commandRun} is true when at least one COMMAND started; it is false
 * for a dry run, under --unrestorable fail when something could not be restored, or when no
 * COMMAND could start ({@code error} says why; it is also set when a later task's COMMAND could
 * not start after earlier ones did). {@code notes} say what the run could not do as asked, such
 * as a preload library the dynamic loader would skip.
 */
public record RestoreReport(boolean dryRun, String root, String policy, boolean commandRun, String error,
                            List<String> notes, List<TaskReport> tasks) {
    public static final int EXIT_ALL_RESTORED = 0;
    public static final int EXIT_PARTIAL = 1;
    public static final int EXIT_BAD = 2;

    public RestoreReport {
        notes = List.copyOf(notes);
        tasks = List.copyOf(tasks);
    }

    public long count(FdStatus s) {
        return tasks.stream().flatMap(t -> t.fds().stream()).filter(f -> f.status() == s).count();
    }

    public long warningCount() {
        return tasks.stream().flatMap(t -> t.fds().stream()).filter(f -> !f.warnings().isEmpty()).count();
    }

    /**
     * 0 when every fd was restored exactly; 1 when anything is a placeholder, skipped, failed,
     * unplaced or differs, or when some COMMANDs started and a later one could not; 2 when the run
     * failed before any COMMAND started (the root could not be opened, COMMAND could not start).
     * A dry run's is the code the real run would exit with, as far as the dry run could tell.
     */
    public int exitCode() {
        if (error != null && !commandRun) return EXIT_BAD;
        boolean exact = tasks.stream().flatMap(t -> t.fds().stream())
                .allMatch(f -> f.status() == FdStatus.RESTORED && f.warnings().isEmpty()
                        // open, but without its close-on-exec flag unless COMMAND sets it from the list
                        && !"deferred".equals(f.cloexec()));
        return exact && (commandRun || dryRun) && error == null ? EXIT_ALL_RESTORED : EXIT_PARTIAL;
    }
}
