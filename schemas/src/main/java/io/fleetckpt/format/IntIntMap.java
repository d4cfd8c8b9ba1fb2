package io.fleetckpt.format;

import java.util.Arrays;

/**
 * int → int open-addressing hash map without boxing: the writers map a million model objrefs to
 * image objrefs, and a HashMap<Integer, Integer> would allocate two objects per entry.
 */
final class IntIntMap {
    static final int MISSING = Integer.MIN_VALUE;
    private int[] keys;
    private int[] values;
    private boolean[] used;
    private int size;
    private int mask;

    IntIntMap() {
        alloc(64);
    }

    private void alloc(int capacity) {
        keys = new int[capacity];
        values = new int[capacity];
        used = new boolean[capacity];
        mask = capacity - 1;
    }

    private static int mix(int k) {
        int h = k * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    int get(int key) {
        for (int i = mix(key) & mask; used[i]; i = (i + 1) & mask) {
            if (keys[i] == key) return values[i];
        }
        return MISSING;
    }

    void put(int key, int value) {
        if ((size + 1) * 2 > keys.length) grow();
        int i = mix(key) & mask;
        while (used[i]) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = key;
        values[i] = value;
        size++;
    }

    private void grow() {
        int[] k = keys;
        int[] v = values;
        boolean[] u = used;
        alloc(k.length * 2);
        size = 0;
        for (int i = 0; i < k.length; i++) if (u[i]) put(k[i], v[i]);
    }

    int size() {
        return size;
    }

    void clear() {
        Arrays.fill(used, false);
        size = 0;
    }
}
