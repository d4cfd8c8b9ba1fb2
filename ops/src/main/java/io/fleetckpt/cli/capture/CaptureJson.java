package io.fleetckpt.cli.capture;

import com.fasterxml.jackson.core.JsonGenerator;
import io.fleetckpt.agent.CaptureResult;
import io.fleetckpt.agent.CaptureTimings;
import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.sys.StatLayout;
import io.fleetckpt.cli.inspect.ImageJsonSink;
import io.fleetckpt.format.model.FdEntry;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code capture --json} adds to the JSON of the image it wrote ({@link ImageJsonSink}, the
 * same vocabulary as {@code inspect --json}): how the capture went, first, and per fd what the
 * capture learnt that the image format has no field for (mnt_id, ino, dev, size...).
 */
public final class CaptureJson implements ImageJsonSink.Extras {
    private final CaptureResult result;
    private final List<TaskError> errors;
    private final List<TaskError> excluded;
    /** pid → fd → what was captured, for the tasks whose table the image holds */
    private final Map<Integer, Map<Integer, CapturedFd>> fds = new HashMap<>();

    /**
     * @param errors   every task not in the image, with why (the excluded ones included)
     * @param excluded those left out only because strict v13 cannot express them
     */
    public CaptureJson(CaptureResult result, List<TaskError> errors, List<TaskError> excluded) {
        this.result = result;
        this.errors = List.copyOf(errors);
        this.excluded = List.copyOf(excluded);
        for (CapturedTask t : result.tasks()) {
            if (t.tableOwner() != 0) continue;
            Map<Integer, CapturedFd> m = new HashMap<>();
            for (CapturedFd f : t.fds()) m.put(f.fd(), f);
            fds.put(t.pid(), m);
        }
    }

    @Override
    public void top(JsonGenerator g) throws IOException {
        g.writeBooleanField("frozen", result.frozen());
        g.writeStringField("freeze_method", result.method().name().toLowerCase());
        g.writeBooleanField("partial", !errors.isEmpty());
        g.writeNumberField("scans", result.scans());
        g.writeNumberField("threads", result.threads());
        g.writeArrayFieldStart("already_frozen");
        for (int p : result.alreadyFrozen()) g.writeNumber(p);
        g.writeEndArray();
        timings(g, result.timings());
        errors(g, "errors", errors);
        errors(g, "excluded_strict_v13", excluded);
        g.writeArrayFieldStart("notes");
        for (String n : result.notes()) g.writeString(n);
        g.writeEndArray();
    }

    @Override
    public void fd(JsonGenerator g, int pid, FdEntry e) throws IOException {
        CapturedFd f = fds.getOrDefault(pid, Map.of()).get(e.fd());
        if (f == null) return;
        g.writeNumberField("mnt_id", f.mntId());
        g.writeNumberField("ino", f.ino());
        if (f.statErrno() == 0) {
            g.writeStringField("dev", majorMinor(f.dev()));
            g.writeStringField("rdev", majorMinor(f.rdev()));
            g.writeNumberField("size", f.size());
            g.writeNumberField("nlink", f.nlink());
            g.writeNumberField("st_mode", f.statMode());
        } else {
            g.writeNumberField("stat_errno", f.statErrno());
        }
        g.writeBooleanField("deleted", f.deleted());
        if (f.fdinfoExtra() != null) ImageJsonSink.bytes(g, "fdinfo_extra", f.fdinfoExtra());
    }

    private static String majorMinor(long dev) {
        return StatLayout.major(dev) + ":" + StatLayout.minor(dev);
    }

    private static void errors(JsonGenerator g, String field, List<TaskError> list) throws IOException {
        g.writeArrayFieldStart(field);
        for (TaskError e : list) {
            g.writeStartObject();
            if (e.selector() != null) g.writeStringField("selector", e.selector()); // no task to name
            else g.writeNumberField("pid", e.pid());
            if (e.fd() >= 0) g.writeNumberField("fd", e.fd());
            g.writeStringField("kind", e.kind().name().toLowerCase());
            g.writeStringField("what", e.what());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void timings(JsonGenerator g, CaptureTimings t) throws IOException {
        g.writeObjectFieldStart("timings_ms");
        g.writeNumberField("select", CaptureTimings.ms(t.select()));
        g.writeNumberField("freeze", CaptureTimings.ms(t.freeze()));
        g.writeNumberField("scan", CaptureTimings.ms(t.scan()));
        g.writeNumberField("share", CaptureTimings.ms(t.share()));
        g.writeNumberField("thaw", CaptureTimings.ms(t.thaw()));
        g.writeNumberField("frozen_window", CaptureTimings.ms(t.frozenWindow()));
        g.writeNumberField("total", CaptureTimings.ms(t.total()));
        g.writeNumberField("kcmp_calls", t.kcmpCalls());
        g.writeEndObject();
    }
}
