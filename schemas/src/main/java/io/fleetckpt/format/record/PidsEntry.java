package io.fleetckpt.format.record;

import io.fleetckpt.format.ImageFormatException;

import java.io.IOException;

/**
 * {@code struct cr_hdr_pids {s32 vpid, vtgid, vppid;}} with its tail pad: 16 bytes, written raw
 * (no cr_hdr) after TREE, one per task in depth-first pre-order. vppid is 0 when the parent is
 * outside the checkpoint's pid namespace.
 */
public record PidsEntry(int vpid, int vtgid, int vppid) {
    public static final int SIZE = 16;
    public static final int OFF_VPID = 0;
    public static final int OFF_VTGID = 4;
    public static final int OFF_VPPID = 8;
    public static final StructLayout LAYOUT = StructLayout.of("cr_hdr_pids", SIZE,
            "vpid", OFF_VPID, "vtgid", OFF_VTGID, "vppid", OFF_VPPID);

    public void write(RecordOutput out) throws IOException {
        if (vpid <= 0 || vtgid <= 0 || vppid < 0) throw new IllegalArgumentException("invalid pids entry " + this);
        int p = out.reserve(SIZE);
        out.putInt(p + OFF_VPID, vpid);
        out.putInt(p + OFF_VTGID, vtgid);
        out.putInt(p + OFF_VPPID, vppid);
    }

    /** Reads entry {@code index} of the array that follows TREE. */
    public static PidsEntry read(RecordInput in, int index) throws IOException {
        long at = in.offset();
        if (!in.ensure(SIZE)) {
            throw new ImageFormatException(at, RecordType.PIDS, "pids[" + index + "]",
                    "truncated: image ends after " + in.available() + " of " + SIZE + " bytes");
        }
        int p = in.position();
        int vpid = in.getInt(p + OFF_VPID);
        int vtgid = in.getInt(p + OFF_VTGID);
        int vppid = in.getInt(p + OFF_VPPID);
        if (vpid <= 0) throw bad(at + OFF_VPID, at, index, "vpid", vpid);
        if (vtgid <= 0) throw bad(at + OFF_VTGID, at, index, "vtgid", vtgid);
        if (vppid < 0) throw bad(at + OFF_VPPID, at, index, "vppid", vppid);
        in.skip(SIZE);
        return new PidsEntry(vpid, vtgid, vppid);
    }

    private static ImageFormatException bad(long offset, long entryOffset, int index, String field, int v) {
        return new ImageFormatException(offset, entryOffset, RecordType.PIDS, "pids[" + index + "]." + field,
                "invalid pid " + v);
    }
}
