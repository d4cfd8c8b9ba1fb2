package io.fleetckpt.cli.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetckpt.agent.CaptureResult;
import io.fleetckpt.agent.CaptureTimings;
import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.sys.StatLayout;
import io.fleetckpt.format.model.RawBytes;

import java.util.Base64;

/**
 * The captured model as JSON. Names are bytes: each is given as {@code path} (lossless printable
 * escape: {@code \xNN} for bytes outside printable ASCII, {@code \\} for a backslash) and as
 * {@code path_b64} (the exact bytes).
 */
public final class CaptureJson {
    private final ObjectMapper mapper;

    public CaptureJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectNode toJson(CaptureResult r) {
        ObjectNode root = mapper.createObjectNode();
        root.put("frozen", r.frozen());
        root.put("freeze_method", r.method().name().toLowerCase());
        root.put("partial", r.partial());
        root.put("time", r.epochSeconds());
        root.put("kernel", r.host().release());
        root.put("tasks_captured", r.tasks().size());
        root.put("fds", r.fdCount());
        root.put("open_files", r.openFileCount());
        root.put("scans", r.scans());
        root.put("threads", r.threads());
        ArrayNode af = root.putArray("already_frozen");
        r.alreadyFrozen().forEach(af::add);
        root.set("timings_ms", timings(r.timings()));
        ArrayNode errors = root.putArray("errors");
        for (TaskError e : r.errors()) errors.add(error(e));
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        ArrayNode tasks = root.putArray("tasks");
        for (CapturedTask t : r.tasks()) tasks.add(task(t));
        return root;
    }

    public ObjectNode error(TaskError e) {
        ObjectNode n = mapper.createObjectNode();
        n.put("pid", e.pid());
        if (e.fd() >= 0) n.put("fd", e.fd());
        n.put("kind", e.kind().name().toLowerCase());
        n.put("what", e.what());
        return n;
    }

    private ObjectNode timings(CaptureTimings t) {
        ObjectNode n = mapper.createObjectNode();
        n.put("select", CaptureTimings.ms(t.select()));
        n.put("freeze", CaptureTimings.ms(t.freeze()));
        n.put("scan", CaptureTimings.ms(t.scan()));
        n.put("share", CaptureTimings.ms(t.share()));
        n.put("thaw", CaptureTimings.ms(t.thaw()));
        n.put("frozen_window", CaptureTimings.ms(t.frozenWindow()));
        n.put("total", CaptureTimings.ms(t.total()));
        n.put("kcmp_calls", t.kcmpCalls());
        return n;
    }

    private ObjectNode task(CapturedTask t) {
        ObjectNode n = mapper.createObjectNode();
        n.put("pid", t.info().pid());
        n.put("tgid", t.info().tgid());
        n.put("ppid", t.info().ppid());
        bytes(n, "comm", t.info().comm());
        n.put("state", t.info().state());
        n.put("exit_state", t.info().exitState());
        n.put("exit_code", t.info().exitCode());
        n.put("exit_signal", t.info().exitSignal());
        n.put("table_owner", t.tableOwner());
        n.put("table_ref", t.tableRef());
        ArrayNode fds = n.putArray("fds");
        for (CapturedFd f : t.fds()) fds.add(fd(f));
        return n;
    }

    private ObjectNode fd(CapturedFd f) {
        ObjectNode n = mapper.createObjectNode();
        n.put("fd", f.fd());
        n.put("objref", f.objref());
        n.put("close_on_exec", f.closeOnExec());
        n.put("type", f.type() == null ? "unknown" : f.type().shortName);
        n.put("flags", "0" + Integer.toOctalString(f.flags()));
        n.put("mode", f.mode());
        n.put("pos", f.pos());
        n.put("mnt_id", f.mntId());
        n.put("dev", f.dev());
        n.put("ino", f.ino());
        if (f.rdev() != 0) n.put("rdev", StatLayout.major(f.rdev()) + ":" + StatLayout.minor(f.rdev()));
        n.put("size", f.size());
        n.put("nlink", f.nlink());
        n.put("st_mode", f.statMode() < 0 ? "" : "0" + Integer.toOctalString(f.statMode()));
        n.put("deleted", f.deleted());
        bytes(n, "path", f.path());
        if (f.fdinfoExtra() != null) n.put("fdinfo_extra", f.fdinfoExtra().escaped());
        if (f.statErrno() != 0) n.put("stat_errno", f.statErrno());
        return n;
    }

    private static void bytes(ObjectNode n, String name, RawBytes b) {
        n.put(name, b.escaped());
        n.put(name + "_b64", Base64.getEncoder().encodeToString(b.toByteArray()));
    }
}
