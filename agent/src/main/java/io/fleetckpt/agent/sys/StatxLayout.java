package io.fleetckpt.agent.sys;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the fields of {@code struct statx} sit (include/uapi/linux/stat.h). Unlike
 * {@code struct stat} it is the same on every architecture: fixed-width fields, explicit padding.
 * Values are read little-endian (x86-64, arm64 and riscv64 all are) from the buffer
 * {@link Syscalls#statx} filled.
 */
public final class StatxLayout {
    /** sizeof(struct statx): 256, spare fields included. */
    public static final int SIZE = 256;

    static final int MASK = 0;
    static final int NLINK = 16;
    static final int MODE = 28;
    static final int INO = 32;
    static final int SIZE_FIELD = 40;
    static final int RDEV_MAJOR = 128;
    static final int RDEV_MINOR = 132;
    static final int DEV_MAJOR = 136;
    static final int DEV_MINOR = 140;

    private StatxLayout() {
    }

    /** The STATX_* bits the kernel filled. */
    public static int mask(byte[] b) { return StatLayout.le32(b, MASK); }
    public static long nlink(byte[] b) { return StatLayout.le32(b, NLINK) & 0xffffffffL; }
    /** st_mode: type and permission bits (a u16 in statx). */
    public static int mode(byte[] b) { return (b[MODE] & 0xff) | (b[MODE + 1] & 0xff) << 8; }
    public static long ino(byte[] b) { return StatLayout.le64(b, INO); }
    public static long size(byte[] b) { return StatLayout.le64(b, SIZE_FIELD); }
    /** st_dev in the dev_t encoding {@code struct stat} uses, so both calls give the same number. */
    public static long dev(byte[] b) { return StatLayout.makedev(StatLayout.le32(b, DEV_MAJOR), StatLayout.le32(b, DEV_MINOR)); }
    public static long rdev(byte[] b) { return StatLayout.makedev(StatLayout.le32(b, RDEV_MAJOR), StatLayout.le32(b, RDEV_MINOR)); }

    /** Field offsets by their C names, for the test that compares them with gcc's offsetof. */
    static Map<String, Integer> offsets() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("stx_mask", MASK);
        m.put("stx_nlink", NLINK);
        m.put("stx_mode", MODE);
        m.put("stx_ino", INO);
        m.put("stx_size", SIZE_FIELD);
        m.put("stx_rdev_major", RDEV_MAJOR);
        m.put("stx_rdev_minor", RDEV_MINOR);
        m.put("stx_dev_major", DEV_MAJOR);
        m.put("stx_dev_minor", DEV_MINOR);
        return m;
    }
}
