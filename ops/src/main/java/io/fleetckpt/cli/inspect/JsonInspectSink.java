package io.fleetckpt.cli.inspect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fleetckpt.format.FileFlags;
import io.fleetckpt.format.ImageFormatException;
import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.record.PidsEntry;
import io.fleetckpt.format.record.RecordType;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * One JSON document, streamed (an image may hold millions of fds). Names are given escaped
 * ({@code \xNN} for non-printable bytes, lossless), like the text view.
 */
public final class JsonInspectSink implements InspectSink {
    private final JsonGenerator g;
    private boolean inTasks;
    private boolean inFds;

    public JsonInspectSink(Writer out) throws IOException {
        this.g = new JsonFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.useDefaultPrettyPrinter();
    }

    @Override
    public void start(String file, long size) throws IOException {
        g.writeStartObject();
        g.writeStringField("file", file);
        g.writeNumberField("size", size);
    }

    @Override
    public void header(ImageHeader h) throws IOException {
        g.writeObjectFieldStart("header");
        g.writeStringField("kernel", h.major() + "." + h.minor() + "." + h.patch());
        g.writeNumberField("major", h.major());
        g.writeNumberField("minor", h.minor());
        g.writeNumberField("patch", h.patch());
        g.writeNumberField("rev", h.rev());
        g.writeNumberField("time", h.time());
        g.writeNumberField("flags", h.flags());
        g.writeStringField("release", h.release().escaped());
        g.writeStringField("version", h.version().escaped());
        g.writeStringField("machine", h.machine().escaped());
        g.writeEndObject();
    }

    @Override
    public void tree(List<PidsEntry> pids) throws IOException {
        g.writeArrayFieldStart("tree");
        for (PidsEntry p : pids) {
            g.writeStartObject();
            g.writeNumberField("pid", p.vpid());
            g.writeNumberField("tgid", p.vtgid());
            g.writeNumberField("ppid", p.vppid());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    @Override
    public void task(TaskInfo t, int tableRef, int firstTaskOfTable, int nfds) throws IOException {
        if (!inTasks) {
            g.writeArrayFieldStart("tasks");
            inTasks = true;
        }
        g.writeStartObject();
        g.writeNumberField("pid", t.pid());
        g.writeNumberField("tgid", t.tgid());
        g.writeNumberField("ppid", t.ppid());
        g.writeStringField("comm", t.comm().escaped());
        g.writeNumberField("state", t.state());
        g.writeNumberField("exitState", t.exitState());
        g.writeNumberField("exitCode", t.exitCode());
        g.writeNumberField("exitSignal", t.exitSignal());
        g.writeNumberField("tableRef", tableRef);
        if (firstTaskOfTable != 0) g.writeNumberField("sharesTableOf", firstTaskOfTable);
        g.writeNumberField("nfds", nfds);
        g.writeArrayFieldStart("fds");
        inFds = true;
    }

    @Override
    public void fd(FdEntry e, OpenFile f, boolean firstSighting, int references) throws IOException {
        g.writeStartObject();
        g.writeNumberField("fd", e.fd());
        g.writeBooleanField("closeOnExec", e.closeOnExec());
        g.writeNumberField("objref", e.objref());
        g.writeBooleanField("shared", references > 1);
        g.writeBooleanField("firstSighting", firstSighting);
        if (f != null) {
            g.writeStringField("type", f.type().name());
            g.writeNumberField("typeCode", f.type().code);
            g.writeNumberField("flags", f.flags());
            g.writeStringField("flagsDecoded", FileFlags.describeFlags(f.flags()));
            g.writeNumberField("mode", f.mode());
            g.writeStringField("modeDecoded", FileFlags.describeMode(f.mode()));
            g.writeNumberField("pos", f.pos());
            g.writeNumberField("version", f.version());
            g.writeStringField("path", f.path().escaped());
        }
        g.writeEndObject();
    }

    @Override
    public void endTask() throws IOException {
        if (inFds) {
            g.writeEndArray();
            g.writeEndObject();
            inFds = false;
        }
    }

    @Override
    public void verdict(ImageFormatException error, ImageWalker.Counts c) throws IOException {
        if (inTasks) g.writeEndArray();
        g.writeObjectFieldStart("counts");
        g.writeNumberField("records", c.records());
        g.writeNumberField("tasks", c.tasks());
        g.writeNumberField("fds", c.fds());
        g.writeNumberField("objrefs", c.objrefs());
        g.writeEndObject();
        g.writeBooleanField("valid", error == null);
        if (error == null) {
            g.writeNullField("error");
        } else {
            g.writeObjectFieldStart("error");
            g.writeNumberField("offset", error.offset());
            g.writeNumberField("recordOffset", error.recordOffset());
            g.writeNumberField("recordType", error.recordType());
            g.writeStringField("recordName", RecordType.name(error.recordType()));
            g.writeStringField("field", error.field());
            g.writeStringField("problem", error.problem());
            g.writeStringField("message", error.getMessage());
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeRaw('\n');
        g.flush();
    }
}
