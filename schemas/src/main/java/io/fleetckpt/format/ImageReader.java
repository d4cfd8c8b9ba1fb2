package io.fleetckpt.format;

import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.record.RecordInput;
import io.fleetckpt.format.record.RecordType;

import java.io.IOException;
import java.io.InputStream;

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
        this(image, image.length, options);
    }

    /** Reads the image {@code image[0, length)} without copying it. */
    public ImageReader(byte[] image, int length, FormatOptions options) {
        super(options, false);
        this.in = new RecordInput(image, 0, length, 0);
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
        ImageModelBuilder b = new ImageModelBuilder();
        ImageEvent ev;
        while ((ev = r.next()) != null) b.accept(ev, r);
        return b.build();
    }
}
