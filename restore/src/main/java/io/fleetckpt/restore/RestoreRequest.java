package io.fleetckpt.restore;

import io.fleetckpt.format.model.Image;
import io.fleetckpt.restore.plan.UnrestorablePolicy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One restore: which tasks of which image, where paths resolve ({@code root}, null for /), what to
 * do with unrestorable descriptions, and the COMMAND (argv as bytes) each task runs with its table.
 * {@code cloexecPreload}, when set, is the fleetckpt_cloexec library COMMAND is started with so
 * that fds saved with close-on-exec get FD_CLOEXEC back inside COMMAND. {@code callerFdLimit} is
 * the soft RLIMIT_NOFILE of whoever asked for the restore (the JVM raised its own at start, so it
 * must be told): COMMAND gets that, raised where its table needs more; 0 when unknown, and then
 * COMMAND keeps the restorer's raised limit.
 */
public record RestoreRequest(Image image, List<Integer> pids, boolean tree, Path root, UnrestorablePolicy policy,
                             boolean dryRun, List<byte[]> command, Map<String, String> environment,
                             Path cloexecPreload, long callerFdLimit) {
    public RestoreRequest {
        pids = List.copyOf(pids);
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    public RestoreRequest(Image image, List<Integer> pids, boolean tree, Path root, UnrestorablePolicy policy,
                          boolean dryRun, List<byte[]> command, Map<String, String> environment) {
        this(image, pids, tree, root, policy, dryRun, command, environment, null, 0);
    }

    public RestoreRequest(Image image, List<Integer> pids, boolean tree, Path root, UnrestorablePolicy policy,
                          boolean dryRun, List<byte[]> command, Map<String, String> environment, Path cloexecPreload) {
        this(image, pids, tree, root, policy, dryRun, command, environment, cloexecPreload, 0);
    }
}
