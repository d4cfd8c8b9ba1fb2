package io.fleetckpt.format;

import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.record.RecordOutput;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Streaming writer of an fd-table image: {@link #writeHeader}, then {@link #writeTask} for each
 * task in tree order, then {@link #finish}. Holds one buffer, never the image. Model objrefs
 * (and shared-table refs) are identities; the image gets them renumbered from 1 in first-seen
 * order, so reading an image back gives objrefs in that order. A model that cannot be written
 * (fds not ascending, unknown objref, a name with a NUL, an extension under strict v13) is an
 * {@link IllegalArgumentException} naming task and fd.
 */
public final class ImageWriter implements AutoCloseable {
    private static final int BUFFER = 256 * 1024;

    private final OutputStream out;
    private final RecordOutput records;
    private final ImageEncoder encoder;
    private boolean finished;

    public ImageWriter(OutputStream out) {
        this(out, FormatOptions.DEFAULT);
    }

    public ImageWriter(OutputStream out, FormatOptions options) {
        this.out = out;
        this.records = new RecordOutput(BUFFER, (buf, len, counts) -> out.write(buf, 0, len));
        this.encoder = new ImageEncoder(false, options.strictV13());
    }

    /** HEAD, TREE and pids; {@code tree} lists every task to come, in depth-first pre-order. */
    public void writeHeader(ImageHeader header, List<TaskInfo> tree) throws IOException {
        encoder.writeHead(records, header, tree);
    }

    /** The next task section; {@code openFiles} resolves the model objrefs of its fd entries. */
    public void writeTask(Task task, IntFunction<OpenFile> openFiles) throws IOException {
        encoder.writeTask(records, task, openFiles);
    }

    /** TAIL, then flushes (does not close the stream). */
    public void finish() throws IOException {
        encoder.writeTail(records);
        records.flush();
        out.flush();
        finished = true;
    }

    public long bytesWritten() {
        return records.written();
    }

    public long fdsWritten() {
        return encoder.fdsWritten();
    }

    /** Closes the stream; an unfinished image stays without TAIL (readers reject it). */
    @Override
    public void close() throws IOException {
        if (!finished) records.flush();
        out.close();
    }

    public static void write(Image image, OutputStream out) throws IOException {
        write(image, out, FormatOptions.DEFAULT);
    }

    public static void write(Image image, OutputStream out, FormatOptions options) throws IOException {
        ImageWriter w = new ImageWriter(out, options);
        w.writeHeader(image.header(), image.tasks().stream().map(Task::info).toList());
        // a hash lookup instead of the model's sorted map: a tree walk per open file costs more
        // than encoding it
        Map<Integer, OpenFile> byRef = new HashMap<>(image.openFiles());
        IntFunction<OpenFile> lookup = byRef::get;
        for (Task t : image.tasks()) w.writeTask(t, lookup);
        w.finish();
    }

    public static byte[] toBytes(Image image) {
        return toBytes(image, FormatOptions.DEFAULT);
    }

    public static byte[] toBytes(Image image, FormatOptions options) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try {
            write(image, bytes, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }
}
