package io.fleetckpt.format.model;

/**
 * What the HEAD record says: the checkpointing host's kernel version, the format revision,
 * the capture time and the host's uname strings (at most 64 bytes each, as in the kernel).
 */
public record ImageHeader(int major, int minor, int patch, int rev, long time, long flags,
                          RawBytes release, RawBytes version, RawBytes machine) {
    /** CR_VERSION after the whole v13 series (patch 14/14 set it to 3). */
    public static final int REV = 3;
    /** CR_CTX_CKPT: sys_checkpoint required user flags 0, so the context flag is all there is. */
    public static final long FLAGS_CKPT = 1;
}
