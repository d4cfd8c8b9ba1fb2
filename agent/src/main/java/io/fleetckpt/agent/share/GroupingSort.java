package io.fleetckpt.agent.share;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A merge sort that merges equal items into groups as it goes: when two heads compare equal,
 * their groups are joined with that one comparison. Each comparison is a kcmp system call, so
 * this matters: a sort followed by a pass over neighbours (to find where equal runs end) spends
 * n-1 extra calls, and a bucket of n dups of one file costs n-1 calls in all here.
 */
final class GroupingSort {
    /** Compares two items: negative, 0 (same file) or positive. May throw to abort the sort. */
    interface Cmp {
        int compare(int a, int b);
    }

    private GroupingSort() {
    }

    /** @return the groups of equal items, in ascending order */
    static List<int[]> sort(int[] items, Cmp cmp) {
        List<int[]> groups = new ArrayList<>(items.length);
        for (int x : items) groups.add(new int[] {x});
        return sortGroups(groups, cmp);
    }

    /** Bottom-up merge sort over groups (each group's first item stands for it). */
    static List<int[]> sortGroups(List<int[]> groups, Cmp cmp) {
        List<List<int[]>> runs = new ArrayList<>(groups.size());
        for (int[] g : groups) runs.add(List.<int[]>of(g));
        while (runs.size() > 1) {
            List<List<int[]>> next = new ArrayList<>((runs.size() + 1) / 2);
            for (int i = 0; i + 1 < runs.size(); i += 2) next.add(merge(runs.get(i), runs.get(i + 1), cmp));
            if (runs.size() % 2 == 1) next.add(runs.get(runs.size() - 1));
            runs = next;
        }
        return runs.isEmpty() ? List.of() : runs.get(0);
    }

    /** Merges two ascending group lists; equal heads become one group. */
    static List<int[]> merge(List<int[]> a, List<int[]> b, Cmp cmp) {
        List<int[]> out = new ArrayList<>(a.size() + b.size());
        int i = 0, j = 0;
        while (i < a.size() && j < b.size()) {
            int[] x = a.get(i), y = b.get(j);
            int c = cmp.compare(x[0], y[0]);
            if (c < 0) {
                out.add(x);
                i++;
            } else if (c > 0) {
                out.add(y);
                j++;
            } else {
                int[] joined = Arrays.copyOf(x, x.length + y.length);
                System.arraycopy(y, 0, joined, x.length, y.length);
                out.add(joined);
                i++;
                j++;
            }
        }
        while (i < a.size()) out.add(a.get(i++));
        while (j < b.size()) out.add(b.get(j++));
        return out;
    }
}
