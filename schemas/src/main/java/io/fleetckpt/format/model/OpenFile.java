package io.fleetckpt.format.model;

/**
 * One open file description (the kernel's {@code struct file}), as FD_DATA + FNAME carry it.
 * {@code objref} is its identity in the image: image-wide, numbered from 1 in first-seen order.
 * {@code path} is the name the kernel shows, raw: {@code pipe:[123]}, {@code /a/b (deleted)}.
 */
public record OpenFile(int objref, FdType type, int mode, int flags, long pos, long version,
                       RawBytes path) {
}
