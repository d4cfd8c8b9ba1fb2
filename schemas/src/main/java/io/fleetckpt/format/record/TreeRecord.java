package io.fleetckpt.format.record;

import java.io.IOException;

/**
 * {@code struct cr_hdr_tree} (8 bytes: u32 tasks_nr + pad), parent 0, followed by tasks_nr raw
 * {@link PidsEntry} structs that have no header of their own.
 */
public final class TreeRecord {
    public static final int SIZE = 8;
    public static final int OFF_TASKS_NR = 0;
    public static final StructLayout LAYOUT = StructLayout.of("cr_hdr_tree", SIZE, "tasks_nr", OFF_TASKS_NR);

    private TreeRecord() {
    }

    public static void write(RecordOutput out, int tasksNr) throws IOException {
        int p = CrHdr.write(out, RecordType.TREE, SIZE, 0);
        out.putInt(p + OFF_TASKS_NR, tasksNr);
    }

    /** Returns tasks_nr after checking it against {@code maxTasks} (before anything is allocated). */
    public static int read(RecordInput in, int maxTasks) throws IOException {
        int p = in.expectFixed(RecordType.TREE, SIZE);
        in.expectParent(0, "none");
        long n = Integer.toUnsignedLong(in.getInt(p + OFF_TASKS_NR));
        if (n > maxTasks) throw in.error(OFF_TASKS_NR, "tasks_nr", n + " tasks, more than the limit " + maxTasks);
        in.endRecord();
        return (int) n;
    }
}
