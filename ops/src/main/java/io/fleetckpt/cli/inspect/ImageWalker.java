package io.fleetckpt.cli.inspect;

import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageEvent;
import io.fleetckpt.format.ImageFormatException;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.model.OpenFile;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Walks an image for {@code inspect} in two streaming passes: the first validates it and counts
 * the fd entries per objref (so the second can mark every sharer of an open file, the first one
 * included); the second reports everything up to the first error, then the verdict.
 */
public final class ImageWalker {
    /** Open files kept to describe later fds of the same objref; beyond it they show as refs only. */
    static final int MAX_KEPT_OPEN_FILES = 2_000_000;

    /** What was read before the verdict. */
    public record Counts(long records, int tasks, long fds, int objrefs, long bytesRead) {
    }

    private final Path file;
    private final String name;
    private final InputStream stream;
    private final FormatOptions options;

    public ImageWalker(Path file, FormatOptions options) {
        this(file, file.toString(), options);
    }

    /** @param name what the report calls the file */
    public ImageWalker(Path file, String name, FormatOptions options) {
        this(file, name, null, options);
    }

    private ImageWalker(Path file, String name, InputStream stream, FormatOptions options) {
        this.file = file;
        this.name = name;
        this.stream = stream;
        this.options = options;
    }

    /** An image read once from {@code in} (not closed here), named {@code name} in the report. */
    public static ImageWalker ofStream(InputStream in, String name, FormatOptions options) {
        return new ImageWalker(null, name, in, options);
    }

    /** Returns null for a valid image, else the first format error (already reported to the sink). */
    public ImageFormatException walk(InspectSink sink) throws IOException {
        if (stream == null) return walk(file, countReferences(Files.newInputStream(file)), sink);
        Path kept = Files.createTempFile("fleetckpt-inspect-", ".img");
        try {
            int[] refs;
            try (OutputStream copy = Files.newOutputStream(kept)) {
                refs = countReferences(new TeeInputStream(stream, copy));
            }
            return walk(kept, refs, sink);
        } finally {
            Files.deleteIfExists(kept);
        }
    }

    private ImageFormatException walk(Path file, int[] refs, InspectSink sink) throws IOException {
        sink.start(name, Files.size(file));
        Map<Integer, OpenFile> kept = new HashMap<>();
        Map<Integer, Integer> tableWriter = new HashMap<>();
        int tasks = 0;
        boolean inTask = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ImageReader r = new ImageReader(in, options);
            try {
                ImageEvent ev;
                while ((ev = r.next()) != null) {
                    switch (ev) {
                        case HEADER -> sink.header(r.header());
                        case TREE -> sink.tree(r.pids());
                        case TASK -> {
                            if (inTask) sink.endTask();
                            inTask = true;
                            tasks++;
                            int pid = r.taskInfo().pid();
                            int writer = 0;
                            if (r.tableRef() != 0) {
                                if (r.tableRepeat()) writer = tableWriter.getOrDefault(r.tableRef(), 0);
                                else tableWriter.put(r.tableRef(), pid);
                            }
                            sink.task(r.taskInfo(), r.tableRef(), writer, r.nfds());
                        }
                        case FD -> {
                            int ref = r.fdEntry().objref();
                            OpenFile f = r.openFile();
                            if (f != null && kept.size() < MAX_KEPT_OPEN_FILES) kept.put(ref, f);
                            if (f == null) f = kept.get(ref);
                            int n = ref < refs.length ? refs[ref] : 1;
                            sink.fd(r.fdEntry(), f, r.fdNew(), n);
                        }
                        case END -> {
                            if (inTask) sink.endTask();
                            inTask = false;
                        }
                    }
                }
                sink.verdict(null, new Counts(r.recordCount(), tasks, r.fdCount(), r.objrefCount(), r.offset()));
                return null;
            } catch (ImageFormatException e) {
                if (inTask) sink.endTask();
                sink.verdict(e, new Counts(r.recordCount(), tasks, r.fdCount(), r.objrefCount(), e.offset()));
                return e;
            }
        }
    }

    /** Pass 1: fd entries per objref (objrefs are dense from 1, so an array indexed by objref). */
    private int[] countReferences(InputStream source) throws IOException {
        int[] refs = new int[1024];
        try (InputStream in = source) {
            ImageReader r = new ImageReader(in, options);
            ImageEvent ev;
            try {
                while ((ev = r.next()) != null) {
                    if (ev != ImageEvent.FD) continue;
                    int ref = r.fdEntry().objref();
                    if (ref >= refs.length) refs = Arrays.copyOf(refs, Math.max(ref + 1, refs.length * 2));
                    refs[ref]++;
                }
            } catch (ImageFormatException e) {
                // pass 2 meets the same error and reports it where it happens
            }
        }
        return refs;
    }

    /** What is read from a stream, also written to {@code copy}. Closing it leaves the stream open (it may be stdin). */
    private static final class TeeInputStream extends InputStream {
        private final InputStream in;
        private final OutputStream copy;

        TeeInputStream(InputStream in, OutputStream copy) {
            this.in = in;
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) copy.write(b);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) copy.write(b, off, n);
            return n;
        }
    }
}
