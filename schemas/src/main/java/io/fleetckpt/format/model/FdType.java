package io.fleetckpt.format.model;

/**
 * The {@code fd_type} of an FD_DATA record. 1 and 2 are v13's {@code CR_FD_FILE} and
 * {@code CR_FD_DIR}; 3..8 are this project's extension for what real processes hold and v13
 * refused (it failed the whole checkpoint on them).
 */
public enum FdType {
    FILE(1, "REG"),
    DIR(2, "DIR"),
    CHR(3, "CHR"),
    BLK(4, "BLK"),
    FIFO(5, "FIFO"),
    SOCK(6, "SOCK"),
    ANON(7, "ANON"),
    SYMLINK(8, "LINK");

    private static final FdType[] BY_CODE = new FdType[9];

    static {
        for (FdType t : values()) BY_CODE[t.code] = t;
    }

    public final int code;
    public final String shortName;

    FdType(int code, String shortName) {
        this.code = code;
        this.shortName = shortName;
    }

    /** @return the type, or null for a code this version does not know */
    public static FdType ofCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** v13 knew only regular files and directories. */
    public boolean isV13() {
        return this == FILE || this == DIR;
    }
}
