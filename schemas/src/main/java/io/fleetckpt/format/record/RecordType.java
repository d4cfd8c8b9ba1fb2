package io.fleetckpt.format.record;

/**
 * The {@code cr_hdr.type} values of linux-cr RFC v13 (include/linux/checkpoint_hdr.h after
 * patch 13/14). Only some belong to the fd-table profile; the others are named so that an error
 * about a kernel-made image can say what it found.
 */
public final class RecordType {
    public static final int HEAD = 1;
    public static final int HEAD_ARCH = 2;
    public static final int BUFFER = 3;
    public static final int STRING = 4;
    public static final int FNAME = 5;
    public static final int TREE = 101;
    public static final int TASK = 102;
    public static final int THREAD = 103;
    public static final int CPU = 104;
    public static final int MM = 201;
    public static final int VMA = 202;
    public static final int PGARR = 203;
    public static final int MM_CONTEXT = 204;
    public static final int FILES = 301;
    public static final int FD_ENT = 302;
    public static final int FD_DATA = 303;
    public static final int TAIL = 5001;
    /** Not a cr_hdr type: the raw pids array after TREE, named so errors can point into it. */
    public static final int PIDS = -101;
    /** Not a cr_hdr type: an error before any header was read (empty input, garbage after TAIL). */
    public static final int NONE = 0;

    private RecordType() {
    }

    public static String name(int type) {
        return switch (type) {
            case HEAD -> "HEAD";
            case HEAD_ARCH -> "HEAD_ARCH";
            case BUFFER -> "BUFFER";
            case STRING -> "STRING";
            case FNAME -> "FNAME";
            case TREE -> "TREE";
            case TASK -> "TASK";
            case THREAD -> "THREAD";
            case CPU -> "CPU";
            case MM -> "MM";
            case VMA -> "VMA";
            case PGARR -> "PGARR";
            case MM_CONTEXT -> "MM_CONTEXT";
            case FILES -> "FILES";
            case FD_ENT -> "FD_ENT";
            case FD_DATA -> "FD_DATA";
            case TAIL -> "TAIL";
            case PIDS -> "pids";
            case NONE -> "(none)";
            default -> "unknown";
        };
    }

    /** "FD_DATA (303)", or "unknown (7)"; the raw number stays visible for unknown types. */
    public static String describe(int type) {
        if (type == PIDS || type == NONE) return name(type);
        return name(type) + " (" + type + ")";
    }

    /** The v13 types that this project never writes: kernel images carry them, ours do not. */
    public static boolean isOutsideProfile(int type) {
        return type == HEAD_ARCH || type == BUFFER || type == THREAD || type == CPU
                || type == MM || type == VMA || type == PGARR || type == MM_CONTEXT;
    }
}
