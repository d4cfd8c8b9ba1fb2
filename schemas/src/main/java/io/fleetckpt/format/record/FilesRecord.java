package io.fleetckpt.format.record;

import java.io.IOException;

/**
 * {@code struct cr_hdr_files {u32 objref; u32 nfds;}}, parent = the task's pid. objref 0 is a
 * private table (all v13 wrote); non-zero is this project's shared-table extension.
 */
public record FilesRecord(int objref, int nfds) {
    public static final int SIZE = 8;
    public static final int OFF_OBJREF = 0;
    public static final int OFF_NFDS = 4;
    public static final StructLayout LAYOUT = StructLayout.of("cr_hdr_files", SIZE,
            "objref", OFF_OBJREF, "nfds", OFF_NFDS);

    public void write(RecordOutput out, int pid) throws IOException {
        int p = CrHdr.write(out, RecordType.FILES, SIZE, pid);
        out.putInt(p + OFF_OBJREF, objref);
        out.putInt(p + OFF_NFDS, nfds);
    }

    /** Checks objref and nfds against the limits; the caller checks parent and objref order. */
    public static FilesRecord read(RecordInput in, int maxFds) throws IOException {
        int p = in.expectFixed(RecordType.FILES, SIZE);
        int objref = in.getInt(p + OFF_OBJREF);
        long nfds = Integer.toUnsignedLong(in.getInt(p + OFF_NFDS));
        if (objref < 0) throw in.error(OFF_OBJREF, "objref", "objref " + Integer.toUnsignedString(objref) + " out of range");
        if (nfds > maxFds) throw in.error(OFF_NFDS, "nfds", nfds + " fds, more than the limit " + maxFds);
        in.endRecord();
        return new FilesRecord(objref, (int) nfds);
    }
}
