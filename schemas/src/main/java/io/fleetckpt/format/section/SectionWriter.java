package io.fleetckpt.format.section;

import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageEncoder;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.record.CrHdr;
import io.fleetckpt.format.record.FnameRecord;
import io.fleetckpt.format.record.RecordOutput;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Encodes one host stream as payloads for Kafka: {@link #begin} (HEAD + TREE + pids), task
 * sections through {@link #writeTask} cut into TASKS chunks of at most {@code chunkBudget}
 * bytes at record boundaries, then {@link #end} (TAIL). Every fd of a task section carries its
 * FD_DATA + FNAME, so each chunk can be decoded on its own; objrefs are numbered per host stream
 * from 1 in first-seen order (equal objref = same open file description), as in the image.
 * A model it cannot encode is an {@link IllegalArgumentException} naming task and fd; the stream
 * is unusable after it (abort the host stream).
 */
public final class SectionWriter {
    /** The largest record of a task section is an FNAME of PATH_MAX bytes. */
    public static final int MIN_CHUNK_BUDGET = CrHdr.SIZE + FnameRecord.MAX_LEN;

    /** Receives each TASKS chunk as soon as it is full. */
    public interface ChunkSink {
        void accept(SectionChunk chunk) throws IOException;
    }

    private final ImageEncoder encoder;
    private final RecordOutput tasks;
    private boolean begun;

    public SectionWriter(int chunkBudget, ChunkSink sink, FormatOptions options) {
        if (chunkBudget < MIN_CHUNK_BUDGET) {
            throw new IllegalArgumentException("chunk budget " + chunkBudget + " below " + MIN_CHUNK_BUDGET + " bytes");
        }
        this.encoder = new ImageEncoder(true, options.strictV13());
        this.tasks = new RecordOutput(chunkBudget, (buf, len, c) -> sink.accept(
                new SectionChunk(SectionKind.TASKS, Arrays.copyOf(buf, len), c.records, c.tasks, c.fdEntries)));
    }

    /** The BEGIN payload; {@code tree} lists every task to come, in depth-first pre-order. */
    public SectionChunk begin(ImageHeader header, List<TaskInfo> tree) throws IOException {
        if (begun) throw new IllegalStateException("begin called twice");
        begun = true;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int[] records = new int[1];
        RecordOutput out = new RecordOutput(64 * 1024, (buf, len, c) -> {
            bytes.write(buf, 0, len);
            records[0] += c.records;
        });
        encoder.writeHead(out, header, tree);
        out.flush();
        return new SectionChunk(SectionKind.BEGIN, bytes.toByteArray(), records[0], 0, 0);
    }

    /** Appends a task section; full chunks go to the sink as they fill. */
    public void writeTask(Task task, IntFunction<OpenFile> openFiles) throws IOException {
        if (!begun) throw new IllegalStateException("writeTask before begin");
        encoder.writeTask(tasks, task, openFiles);
    }

    /** Emits the pending TASKS chunk, if any (e.g. to bound latency). */
    public void flush() throws IOException {
        tasks.flush();
    }

    /** Flushes the pending TASKS chunk, then returns the END payload (TAIL). */
    public SectionChunk end() throws IOException {
        tasks.flush();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RecordOutput out = new RecordOutput(MIN_CHUNK_BUDGET, (buf, len, c) -> bytes.write(buf, 0, len));
        encoder.writeTail(out);
        out.flush();
        return new SectionChunk(SectionKind.END, bytes.toByteArray(), 1, 0, 0);
    }

    public int tasksWritten() {
        return encoder.tasksWritten();
    }

    public long fdsWritten() {
        return encoder.fdsWritten();
    }

    /** Objrefs of the host stream so far (open files and shared tables). */
    public int objrefCount() {
        return encoder.objrefCount();
    }
}
