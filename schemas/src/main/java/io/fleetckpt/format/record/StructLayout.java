package io.fleetckpt.format.record;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * sizeof and offsetof of one kernel struct, as the Java codec uses them. The golden-vector test
 * compares every entry with what gcc computes for the same struct declared as the kernel did.
 */
public record StructLayout(String name, int size, Map<String, Integer> offsets) {
    public StructLayout {
        offsets = Map.copyOf(offsets);
    }

    /** {@code of("cr_hdr_files", 8, "objref", 0, "nfds", 4)}. */
    public static StructLayout of(String name, int size, Object... fieldOffsetPairs) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < fieldOffsetPairs.length; i += 2) {
            m.put((String) fieldOffsetPairs[i], (Integer) fieldOffsetPairs[i + 1]);
        }
        return new StructLayout(name, size, m);
    }

    /** Every struct the fd-table profile writes. */
    public static List<StructLayout> all() {
        return List.of(CrHdr.LAYOUT, HeadRecord.LAYOUT, TailRecord.LAYOUT, TreeRecord.LAYOUT,
                PidsEntry.LAYOUT, TaskRecord.LAYOUT, FilesRecord.LAYOUT, FdEntRecord.LAYOUT,
                FdDataRecord.LAYOUT);
    }
}
