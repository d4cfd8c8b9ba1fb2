package io.fleetckpt.agent.sys;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the fields of the kernel's {@code struct stat} sit, which differs by architecture.
 * Values are read little-endian from the buffer {@link Syscalls#fstatat} filled.
 */
public final class StatLayout {
    /** Large enough for every supported layout (x86-64 uses 144, the generic one 128). */
    public static final int SIZE = 256;

    public static final StatLayout X86_64 = new StatLayout(0, 8, 16, 8, 24, 40, 48);
    /** asm-generic (arm64, riscv64): mode before a 32-bit nlink. */
    public static final StatLayout GENERIC_64 = new StatLayout(0, 8, 20, 4, 16, 32, 48);

    private final int devOff;
    private final int inoOff;
    private final int nlinkOff;
    private final int nlinkSize;
    private final int modeOff;
    private final int rdevOff;
    private final int sizeOff;

    private StatLayout(int devOff, int inoOff, int nlinkOff, int nlinkSize, int modeOff, int rdevOff, int sizeOff) {
        this.devOff = devOff;
        this.inoOff = inoOff;
        this.nlinkOff = nlinkOff;
        this.nlinkSize = nlinkSize;
        this.modeOff = modeOff;
        this.rdevOff = rdevOff;
        this.sizeOff = sizeOff;
    }

    public static StatLayout forArch(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "riscv64" -> GENERIC_64;
            default -> throw new UnsupportedOperationException("struct stat layout unknown for architecture " + osArch);
        };
    }

    public long dev(byte[] b) { return le64(b, devOff); }
    public long ino(byte[] b) { return le64(b, inoOff); }
    public long nlink(byte[] b) { return nlinkSize == 8 ? le64(b, nlinkOff) : le32(b, nlinkOff) & 0xffffffffL; }
    public int mode(byte[] b) { return le32(b, modeOff); }
    public long rdev(byte[] b) { return le64(b, rdevOff); }
    public long size(byte[] b) { return le64(b, sizeOff); }

    /** Field offsets by their C names, for the test that compares them with gcc's offsetof. */
    Map<String, Integer> offsets() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("st_dev", devOff);
        m.put("st_ino", inoOff);
        m.put("st_nlink", nlinkOff);
        m.put("st_mode", modeOff);
        m.put("st_rdev", rdevOff);
        m.put("st_size", sizeOff);
        return m;
    }

    /** sizeof(st_nlink): 8 on x86-64, 4 in the generic layout. */
    int nlinkSize() {
        return nlinkSize;
    }

    static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    static long le64(byte[] b, int o) {
        return (le32(b, o) & 0xffffffffL) | (long) le32(b, o + 4) << 32;
    }

    /** Linux's dev_t encoding (glibc gnu_dev_major/minor). */
    public static int major(long dev) {
        return (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
    }

    public static int minor(long dev) {
        return (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
    }

    /** The inverse (glibc gnu_dev_makedev), for statx's separate major and minor. */
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL, mi = minor & 0xffffffffL;
        return (ma & 0xfffL) << 8 | (ma & ~0xfffL) << 32 | (mi & 0xffL) | (mi & ~0xffL) << 12;
    }
}
