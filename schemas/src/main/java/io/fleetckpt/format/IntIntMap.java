package io.fleetckpt.format;

/**
 * int → positive int open-addressing hash map without boxing: the writers map a million model
 * objrefs to image objrefs, and a HashMap<Integer, Integer> would allocate two objects per
 * entry. Key and value sit side by side in one array, so a lookup touches one cache line; a
 * value of 0 marks an empty slot (image objrefs start at 1).
 */
final class IntIntMap {
    static final int MISSING = Integer.MIN_VALUE;
    /** [key0, value0, key1, value1, ...] */
    private int[] slots;
    private int size;
    private int mask;

    IntIntMap() {
        this(32);
    }

    /** Sized for {@code expected} entries without growing. */
    IntIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(32, expected) * 2 - 1) << 1;
        slots = new int[2 * cap];
        mask = cap - 1;
    }

    private static int mix(int k) {
        int h = k * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    int get(int key) {
        int[] s = slots;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            int v = s[2 * i + 1];
            if (v == 0) return MISSING;
            if (s[2 * i] == key) return v;
        }
    }

    /** @param value must be positive */
    void put(int key, int value) {
        if (value <= 0) throw new IllegalArgumentException("value " + value);
        if ((size + 1) * 2 > mask + 1) grow();
        int i = mix(key) & mask;
        while (slots[2 * i + 1] != 0) {
            if (slots[2 * i] == key) {
                slots[2 * i + 1] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        slots[2 * i] = key;
        slots[2 * i + 1] = value;
        size++;
    }

    private void grow() {
        int[] old = slots;
        slots = new int[old.length * 2];
        mask = slots.length / 2 - 1;
        size = 0;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i + 1] != 0) put(old[i], old[i + 1]);
        }
    }

    int size() {
        return size;
    }
}
