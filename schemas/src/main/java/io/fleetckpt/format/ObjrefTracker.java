package io.fleetckpt.format;

import java.util.BitSet;

/**
 * The objrefs seen so far in an image or host stream. They are dense (1, 2, 3... in first-seen
 * order), so "seen" is just "at most the last one given"; a bit per objref says whether it names
 * a shared fd table rather than an open file.
 */
public final class ObjrefTracker {
    private int last;
    private final BitSet tables = new BitSet();

    /** The objref a new object must take. */
    public int next() {
        return last + 1;
    }

    public boolean isSeen(int objref) {
        return objref > 0 && objref <= last;
    }

    public boolean isTable(int objref) {
        return tables.get(objref);
    }

    public int addFile() {
        return ++last;
    }

    public int addTable() {
        tables.set(++last);
        return last;
    }

    /** How many objrefs were given (open files and tables). */
    public int count() {
        return last;
    }
}
