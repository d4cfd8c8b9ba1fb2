package io.fleetckpt.format;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.record.RecordInput;
import io.fleetckpt.format.record.RecordType;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streaming, validating reader of an fd-table image: a pull API ({@link #next()} then the
 * accessors of {@link RecordStreamReader}) that never holds more than one record, through a
 * large buffer. Every violation is an {@link ImageFormatException} naming offset, record and
 * field; the image must end right after TAIL.
 *
 * <p>{@link #readImage} builds the whole {@link Image} model. Objrefs read back are the image's
 * own: 1, 2, 3... in first-seen order (a shared table's objref takes its place in that order).
 */
public final class ImageReader extends RecordStreamReader {

    public ImageReader(InputStream in) {
        this(in, FormatOptions.DEFAULT);
    }

    public ImageReader(InputStream in, FormatOptions options) {
        super(options, false);
        this.in = new RecordInput(in);
    }

    /** Reads an image already in memory without copying it. */
    public ImageReader(byte[] image, FormatOptions options) {
        super(options, false);
        this.in = new RecordInput(image, 0, image.length, 0);
    }

    @Override
    protected void endOfInput() throws ImageFormatException {
        throw new ImageFormatException(in.offset(), RecordType.NONE, "end of image",
                "image ends where " + expecting() + " should follow");
    }

    public static Image readImage(InputStream in) throws IOException {
        return readImage(new ImageReader(in));
    }

    public static Image readImage(InputStream in, FormatOptions options) throws IOException {
        return readImage(new ImageReader(in, options));
    }

    public static Image readImage(byte[] image) throws IOException {
        return readImage(new ImageReader(image, FormatOptions.DEFAULT));
    }

    public static Image readImage(byte[] image, FormatOptions options) throws IOException {
        return readImage(new ImageReader(image, options));
    }

    /** Reads the rest of the image from {@code r} into the model. */
    public static Image readImage(ImageReader r) throws IOException {
        ModelBuilder b = new ModelBuilder();
        ImageEvent ev;
        while ((ev = r.next()) != null) b.accept(ev, r);
        return b.build(r);
    }

    /** Collects events into the model; a later sharer of a table gets the first sharer's entries. */
    static final class ModelBuilder {
        private final List<Task> tasks = new ArrayList<>();
        private final Map<Integer, OpenFile> openFiles = new TreeMap<>();
        private final Map<Integer, List<FdEntry>> tables = new HashMap<>();
        private TaskInfo info;
        private int tableRef;
        private List<FdEntry> fds;

        void accept(ImageEvent ev, RecordStreamReader r) {
            switch (ev) {
                case TASK -> {
                    finishTask();
                    info = r.taskInfo();
                    tableRef = r.tableRef();
                    if (r.tableRepeat()) {
                        fds = tables.get(tableRef);
                    } else {
                        fds = new ArrayList<>(Math.min(r.nfds(), 1024));
                        if (tableRef != 0) tables.put(tableRef, fds);
                    }
                }
                case FD -> {
                    fds.add(r.fdEntry());
                    if (r.fdNew()) openFiles.put(r.fdEntry().objref(), r.openFile());
                }
                case END -> finishTask();
                default -> { }
            }
        }

        private void finishTask() {
            if (info != null) tasks.add(new Task(info, tableRef, fds));
            info = null;
        }

        Image build(RecordStreamReader r) {
            return Image.of(r.header(), tasks, openFiles);
        }
    }
}
