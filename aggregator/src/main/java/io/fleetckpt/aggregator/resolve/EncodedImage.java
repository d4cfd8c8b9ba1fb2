package io.fleetckpt.aggregator.resolve;

import java.util.Arrays;

/**
 * An image file's bytes and what they hold (for the manifest and for checking the read-back).
 *
 * @param bytes     the image is {@code bytes[0, length)}; the array may be longer (a reused buffer)
 * @param fds       FD_ENT records (a shared table's entries count once)
 * @param tables    shared fd tables (objrefs that are not open files)
 * @param validated the bytes are records the validating section reader accepted, copied as they
 *                  are ({@link InOrderTranscoder}): reading them back would check nothing new.
 *                  False for an image encoded from the model, which must be read back.
 */
public record EncodedImage(byte[] bytes, int length, int tasks, long fds, int openFiles, int tables, boolean validated) {
    public EncodedImage {
        if (length < 0 || length > bytes.length) throw new IllegalArgumentException("length " + length + " of " + bytes.length);
    }

    /** The same image in an array of exactly its length. */
    public EncodedImage exact() {
        return length == bytes.length ? this
                : new EncodedImage(Arrays.copyOf(bytes, length), length, tasks, fds, openFiles, tables, validated);
    }
}
