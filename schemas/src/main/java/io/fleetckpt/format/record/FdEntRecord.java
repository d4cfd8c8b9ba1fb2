package io.fleetckpt.format.record;

import io.fleetckpt.format.model.FdEntry;

import java.io.IOException;

/**
 * {@code struct cr_hdr_fd_ent {u32 objref; s32 fd; u32 close_on_exec;}} (16 bytes with pad),
 * parent = the FILES objref (0 for a private table).
 */
public final class FdEntRecord {
    public static final int SIZE = 16;
    public static final int OFF_OBJREF = 0;
    public static final int OFF_FD = 4;
    public static final int OFF_CLOSE_ON_EXEC = 8;
    public static final StructLayout LAYOUT = StructLayout.of("cr_hdr_fd_ent", SIZE,
            "objref", OFF_OBJREF, "fd", OFF_FD, "close_on_exec", OFF_CLOSE_ON_EXEC);

    private FdEntRecord() {
    }

    public static void write(RecordOutput out, int tableRef, int objref, int fd, boolean closeOnExec) throws IOException {
        int p = CrHdr.write(out, RecordType.FD_ENT, SIZE, tableRef);
        out.putInt(p + OFF_OBJREF, objref);
        out.putInt(p + OFF_FD, fd);
        out.putInt(p + OFF_CLOSE_ON_EXEC, closeOnExec ? 1 : 0);
    }

    /** Field checks only; the caller checks parent, objref order and fd order. */
    public static FdEntry read(RecordInput in) throws IOException {
        int p = check(in);
        FdEntry e = new FdEntry(in.getInt(p + OFF_FD), in.getInt(p + OFF_CLOSE_ON_EXEC) == 1, in.getInt(p + OFF_OBJREF));
        in.endRecord();
        return e;
    }

    /**
     * The field checks of {@link #read} without building the entry (readers of millions of
     * records take the fields themselves); leaves the record unconsumed.
     *
     * @return the payload index in {@link RecordInput#buffer()}
     */
    public static int check(RecordInput in) throws IOException {
        int p = in.expectFixed(RecordType.FD_ENT, SIZE);
        int objref = in.getInt(p + OFF_OBJREF);
        int fd = in.getInt(p + OFF_FD);
        int coe = in.getInt(p + OFF_CLOSE_ON_EXEC);
        if (objref <= 0) throw in.error(OFF_OBJREF, "objref", "objref " + Integer.toUnsignedString(objref) + " out of range (1.." + Integer.MAX_VALUE + ")");
        if (fd < 0) throw in.error(OFF_FD, "fd", "negative fd " + fd);
        // FD_ISSET via setb gives exactly 0 or 1 on x86-32; anything else is not a kernel value
        if (coe != 0 && coe != 1) throw in.error(OFF_CLOSE_ON_EXEC, "close_on_exec", Integer.toUnsignedString(coe) + ", must be 0 or 1");
        return p;
    }
}
