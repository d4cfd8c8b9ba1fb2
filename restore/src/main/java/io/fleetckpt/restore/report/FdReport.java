package io.fleetckpt.restore.report;

import java.util.List;

/**
 * What happened to one fd of one task. {@code cloexec} says how its close-on-exec bit was handled:
 * "none" (the fd had none), "deferred" (open in COMMAND without FD_CLOEXEC, listed in
 * FLEETCKPT_CLOEXEC_FDS), "preload" (as deferred, and the preload library sets FD_CLOEXEC again
 * inside COMMAND before main) or "n/a" (nothing placed).
 */
public record FdReport(int fd, int objref, String type, String path, String flags, long pos,
                       boolean savedCloexec, String cloexec, FdStatus status, String why, List<String> warnings) {
    public FdReport {
        warnings = List.copyOf(warnings);
    }
}
