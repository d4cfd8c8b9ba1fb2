package io.fleetckpt.agent.share;

import io.fleetckpt.agent.sys.Syscalls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds processes that share one fd table (clone with CLONE_FILES but not CLONE_THREAD; a vfork
 * child shares its parent's memory, not its fd table) with kcmp(KCMP_FILES): the table is scanned
 * and written once, under the first such task in capture order.
 */
public final class TableSharing {
    private final Syscalls sys;

    public TableSharing(Syscalls sys) {
        this.sys = sys;
    }

    /**
     * @param pids tasks in capture order
     * @return for every task that shares the table of an earlier one, that earlier task (the
     *         table's owner); tasks with a table of their own are absent
     */
    public Map<Integer, Integer> owners(List<Integer> pids) {
        Map<Integer, Integer> owner = new LinkedHashMap<>();
        if (pids.size() < 2) return owner;
        List<Integer> order = new ArrayList<>(pids);
        Map<Integer, Integer> position = new LinkedHashMap<>();
        for (int i = 0; i < pids.size(); i++) position.put(pids.get(i), i);
        // A task that cannot be compared (gone, refused) sorts as its own table; the scan
        // reports it.
        try {
            order.sort((a, b) -> {
                int r = sys.kcmp(a, b, Syscalls.KCMP_FILES, 0, 0);
                if (r < 0 || r > 2) throw new Incomparable();
                return r == 0 ? 0 : r == 1 ? -1 : 1;
            });
        } catch (Incomparable e) {
            return pairwiseWithFirst(pids);
        }
        int runStart = 0;
        for (int j = 1; j <= order.size(); j++) {
            if (j == order.size() || sys.kcmp(order.get(j - 1), order.get(j), Syscalls.KCMP_FILES, 0, 0) != 0) {
                int first = order.get(runStart);
                for (int q = runStart; q < j; q++) if (position.get(order.get(q)) < position.get(first)) first = order.get(q);
                for (int q = runStart; q < j; q++) if (order.get(q) != first) owner.put(order.get(q), first);
                runStart = j;
            }
        }
        return owner;
    }

    /** Fallback when some task cannot be compared: compare the others with each earlier owner. */
    private Map<Integer, Integer> pairwiseWithFirst(List<Integer> pids) {
        Map<Integer, Integer> owner = new LinkedHashMap<>();
        List<Integer> owners = new ArrayList<>();
        for (int p : pids) {
            Integer found = null;
            for (int o : owners) {
                if (sys.kcmp(o, p, Syscalls.KCMP_FILES, 0, 0) == 0) {
                    found = o;
                    break;
                }
            }
            if (found != null) owner.put(p, found);
            else owners.add(p);
        }
        return owner;
    }

    private static final class Incomparable extends RuntimeException {
        Incomparable() {
            super(null, null, false, false);
        }
    }
}
