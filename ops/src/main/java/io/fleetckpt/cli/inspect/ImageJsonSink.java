package io.fleetckpt.cli.inspect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fleetckpt.format.FileFlags;
import io.fleetckpt.format.ImageFormatException;
import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.record.PidsEntry;
import io.fleetckpt.format.record.RecordType;

import java.io.IOException;
import java.io.Writer;
import java.util.Base64;
import java.util.List;

/**
 * An image as one JSON document, streamed (an image may hold millions of fds): the one writer of
 * the image's JSON vocabulary, which docs/format.md section 8 describes. {@code inspect --json}
 * prints it as is; {@code capture --json} prints it for the image it wrote, with what the capture
 * knows beyond the image added through {@link Extras}, so that both describe the same things in
 * the same words. Every name (path, comm, uts strings) is given twice: escaped ({@code \xNN}
 * for non-printable bytes, {@code \\} for a backslash: lossless and printable) and as
 * {@code NAME_b64}, the exact bytes.
 */
public final class ImageJsonSink implements InspectSink {
    /** What a command adds to the image's document; each method writes fields into the open object. */
    public interface Extras {
        Extras NONE = new Extras() {
        };

        /** First in the document, before the image's own fields. */
        default void top(JsonGenerator g) throws IOException {
        }

        /** After a fd's own fields. */
        default void fd(JsonGenerator g, int pid, FdEntry e) throws IOException {
        }
    }

    private final JsonGenerator g;
    private final Extras extras;
    private boolean inTasks;
    private boolean inFds;
    private int pid;

    public ImageJsonSink(Writer out) throws IOException {
        this(out, Extras.NONE);
    }

    public ImageJsonSink(Writer out, Extras extras) throws IOException {
        this.g = new JsonFactory().createGenerator(out);
        this.extras = extras;
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.useDefaultPrettyPrinter();
    }

    /** A name as the vocabulary gives every name: escaped, and its exact bytes in base64. */
    public static void bytes(JsonGenerator g, String field, RawBytes b) throws IOException {
        g.writeStringField(field, b.escaped());
        g.writeStringField(field + "_b64", Base64.getEncoder().encodeToString(b.toByteArray()));
    }

    @Override
    public void start(String file, long size) throws IOException {
        g.writeStartObject();
        extras.top(g);
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
        bytes(g, "release", h.release());
        bytes(g, "version", h.version());
        bytes(g, "machine", h.machine());
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
        pid = t.pid();
        g.writeStartObject();
        g.writeNumberField("pid", t.pid());
        g.writeNumberField("tgid", t.tgid());
        g.writeNumberField("ppid", t.ppid());
        bytes(g, "comm", t.comm());
        g.writeNumberField("state", t.state());
        g.writeNumberField("exit_state", t.exitState());
        g.writeNumberField("exit_code", t.exitCode());
        g.writeNumberField("exit_signal", t.exitSignal());
        g.writeNumberField("table_ref", tableRef);
        g.writeNumberField("shares_table_of", firstTaskOfTable);
        g.writeNumberField("nfds", nfds);
        g.writeArrayFieldStart("fds");
        inFds = true;
    }

    @Override
    public void fd(FdEntry e, OpenFile f, boolean firstSighting, int references) throws IOException {
        g.writeStartObject();
        g.writeNumberField("fd", e.fd());
        g.writeBooleanField("close_on_exec", e.closeOnExec());
        g.writeNumberField("objref", e.objref());
        g.writeBooleanField("shared", references > 1);
        g.writeBooleanField("first_sighting", firstSighting);
        if (f != null) {
            g.writeStringField("type", f.type().name());
            g.writeNumberField("type_code", f.type().code);
            g.writeNumberField("flags", f.flags());
            g.writeStringField("flags_decoded", FileFlags.describeFlags(f.flags()));
            g.writeNumberField("mode", f.mode());
            g.writeStringField("mode_decoded", FileFlags.describeMode(f.mode()));
            g.writeNumberField("pos", f.pos());
            g.writeNumberField("version", f.version());
            bytes(g, "path", f.path());
        }
        extras.fd(g, pid, e);
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
            g.writeNumberField("record_offset", error.recordOffset());
            g.writeNumberField("record_type", error.recordType());
            g.writeStringField("record_name", RecordType.name(error.recordType()));
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
