package io.fleetckpt.agent.share;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupingSortTest {
    @Test
    void groupsEqualItemsInOrder() {
        Random rnd = new Random(42);
        int[] value = new int[5000];
        for (int i = 0; i < value.length; i++) value[i] = rnd.nextInt(700);
        int[] items = new int[value.length];
        for (int i = 0; i < items.length; i++) items[i] = i;
        long[] calls = {0};
        List<int[]> groups = GroupingSort.sort(items, (a, b) -> {
            calls[0]++;
            return Integer.compare(value[a], value[b]);
        });
        TreeMap<Integer, List<Integer>> expected = new TreeMap<>();
        for (int i = 0; i < value.length; i++) expected.computeIfAbsent(value[i], v -> new ArrayList<>()).add(i);
        assertEquals(expected.size(), groups.size());
        int k = 0;
        for (var e : expected.entrySet()) {
            int[] g = groups.get(k++);
            assertEquals(e.getValue().size(), g.length);
            for (int x : g) assertEquals(e.getKey(), value[x]);
        }
        assertTrue(calls[0] < 5000 * 13, "about n log n comparisons: " + calls[0]);
    }

    @Test
    void allEqualCostsNMinusOne() {
        int[] items = new int[2000];
        for (int i = 0; i < items.length; i++) items[i] = i;
        long[] calls = {0};
        List<int[]> groups = GroupingSort.sort(items, (a, b) -> {
            calls[0]++;
            return 0;
        });
        assertEquals(1, groups.size());
        assertEquals(2000, groups.get(0).length);
        assertEquals(1999, calls[0]);
    }
}
