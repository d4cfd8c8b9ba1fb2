package io.fleetckpt.restore.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prints a {@link RestoreReport} as aligned text for people or as JSON for scripts. */
public final class ReportWriter {
    private ReportWriter() {
    }

    public static void json(RestoreReport r, PrintWriter out) {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("dryRun", r.dryRun());
        top.put("root", r.root());
        top.put("unrestorable", r.policy());
        top.put("commandRun", r.commandRun());
        top.put("error", r.error());
        top.put("notes", r.notes());
        Map<String, Long> counts = new LinkedHashMap<>();
        for (FdStatus s : FdStatus.values()) counts.put(s.word(), r.count(s));
        counts.put("withWarnings", r.warningCount());
        top.put("counts", counts);
        top.put("exitCode", r.exitCode());
        top.put("tasks", r.tasks());
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(top));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    public static void text(RestoreReport r, PrintWriter out) {
        out.printf("%s%s, root %s, unrestorable=%s%n", r.dryRun() ? "restore plan (dry run, nothing run: statuses and exit code predict the real run's)" : "restore",
                r.commandRun() ? "" : (r.dryRun() ? "" : ", COMMAND not run"), r.root() == null ? "/" : r.root(), r.policy());
        if (r.error() != null) out.println("error: " + r.error());
        for (String n : r.notes()) out.println("note: " + n);
        for (TaskReport t : r.tasks()) {
            out.printf("task %d (%s)%s, fd limit %d%s%n", t.imagePid(), t.comm(),
                    t.pid() > 0 ? " -> pid " + t.pid() : r.dryRun() ? "" : ", no COMMAND started", t.fdLimit(),
                    t.sharedTable() ? " [fd table was shared with another task; restored as a private copy]" : "");
            out.printf("  %5s %6s %-11s %-5s %-8s %-34s %10s  %s%n", "FD", "OBJREF", "STATUS", "TYPE", "CLOEXEC", "FLAGS", "POS",
                    "PATH");
            for (FdReport f : t.fds()) {
                out.printf("  %5d %6d %-11s %-5s %-8s %-34s %10d  %s%n", f.fd(), f.objref(), f.status().word(), f.type(),
                        f.cloexec(), f.flags(), f.pos(), f.path());
                if (f.why() != null) out.printf("        why: %s%n", f.why());
                for (String w : f.warnings()) out.printf("        warning: %s%n", w);
            }
        }
        out.printf("%d restored, %d placeholder, %d skipped, %d failed, %d unplaced, %d with warnings%n",
                r.count(FdStatus.RESTORED), r.count(FdStatus.PLACEHOLDER), r.count(FdStatus.SKIPPED),
                r.count(FdStatus.FAILED), r.count(FdStatus.UNPLACED), r.warningCount());
        if (r.tasks().stream().anyMatch(t -> t.fds().stream().anyMatch(f -> "deferred".equals(f.cloexec())))) {
            out.println("cloexec(deferred): close-on-exec cannot survive the exec into COMMAND; those fds are open without it"
                    + " and listed in FLEETCKPT_CLOEXEC_FDS for COMMAND to mark");
        }
        if (r.tasks().stream().anyMatch(t -> t.fds().stream().anyMatch(f -> "preload".equals(f.cloexec())))) {
            out.println("cloexec(preload): placed without FD_CLOEXEC (it cannot survive the exec), listed in FLEETCKPT_CLOEXEC_FDS,"
                    + " and set again inside COMMAND before main() by the --cloexec-preload library");
        }
        out.flush();
    }
}
