package io.fleetckpt.format.record;

import java.io.IOException;

/** {@code struct cr_hdr_tail} (8 bytes), the last record; parent 0. */
public final class TailRecord {
    public static final int SIZE = 8;
    public static final long MAGIC = 0x002d2a0cc0deef00L;
    public static final int OFF_MAGIC = 0;
    public static final StructLayout LAYOUT = StructLayout.of("cr_hdr_tail", SIZE, "magic", OFF_MAGIC);

    private TailRecord() {
    }

    public static void write(RecordOutput out) throws IOException {
        int p = CrHdr.write(out, RecordType.TAIL, SIZE, 0);
        out.putLong(p + OFF_MAGIC, MAGIC);
    }

    public static void read(RecordInput in) throws IOException {
        int p = in.expectFixed(RecordType.TAIL, SIZE);
        in.expectParent(0, "none");
        in.expectMagic(p, OFF_MAGIC, MAGIC);
        in.endRecord();
    }
}
