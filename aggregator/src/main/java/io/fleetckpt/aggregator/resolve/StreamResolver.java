package io.fleetckpt.aggregator.resolve;

import io.fleetckpt.aggregator.reassemble.CompleteStream;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.Task;

import java.io.IOException;

/**
 * The resolve stage: a verified host stream in, the image's bytes out. Streams already in image
 * order (the agent's) take the copying fast path; any other order goes through the model: parse,
 * resolve objrefs, encode. Both give the same bytes for the same stream content.
 */
public final class StreamResolver {
    private final FormatOptions options;
    private final InOrderTranscoder fast;
    private final HostStreamParser parser;
    private final ObjrefResolver resolver = new ObjrefResolver();

    public StreamResolver(FormatOptions options) {
        this.options = options;
        this.fast = new InOrderTranscoder(options);
        this.parser = new HostStreamParser(options);
    }

    /**
     * @throws io.fleetckpt.format.ImageFormatException a record breaks the kernel format
     * @throws StreamFormatException                     the records do not make one image
     * @throws IllegalArgumentException                  the image cannot be written (e.g. strict v13)
     */
    public EncodedImage resolve(CompleteStream stream) throws IOException {
        return resolve(stream, null);
    }

    /**
     * As {@link #resolve(CompleteStream)}; a stream on the fast path is written into
     * {@code buffer} (null: an array of its own), so the image is valid until the buffer is used
     * again.
     */
    public EncodedImage resolve(CompleteStream stream, ImageBuffer buffer) throws IOException {
        EncodedImage image = buffer == null ? fast.transcode(stream) : fast.transcode(stream, buffer);
        if (image == null) image = encode(resolveModel(stream));
        if (stream.totals().getTasks() != image.tasks() || stream.totals().getFds() != image.fds()) {
            throw new StreamFormatException(-1, "END totals say " + stream.totals().getTasks() + " tasks and "
                    + stream.totals().getFds() + " fds, the task sections hold " + image.tasks() + " tasks and "
                    + image.fds() + " fds");
        }
        return image;
    }

    /** The general path alone (tests compare it with the fast path). */
    public Image resolveModel(CompleteStream stream) throws IOException {
        return resolver.resolve(parser.parse(stream));
    }

    public EncodedImage encode(Image image) {
        // FD_ENT records: a shared table's entries are written once, under its first task
        java.util.Set<Integer> tables = new java.util.HashSet<>();
        long fdEnts = 0;
        for (Task t : image.tasks()) {
            if (t.tableRef() == 0 || tables.add(t.tableRef())) fdEnts += t.fds().size();
        }
        byte[] bytes = ImageWriter.toBytes(image, options);
        return new EncodedImage(bytes, bytes.length, image.tasks().size(), fdEnts, image.openFiles().size(), tables.size(), false);
    }
}
