package io.fleetckpt.agent.capture;

import io.fleetckpt.format.FileFlags;
import io.fleetckpt.format.model.FdType;

/**
 * f_mode for an open file, which user space cannot read: derived from the access mode and what
 * the kernel sets for that kind of file. Values use the numbering of 2.6.28's
 * include/linux/fs.h, the kernel the v13 format was cut against, truncated to the record's 16
 * bits:
 * <ul>
 *   <li>READ 0x1 / WRITE 0x2 from {@code flags & O_ACCMODE}: 0 → READ, 1 → WRITE,
 *       2 → READ|WRITE, 3 (ioctl-only open) → neither;</li>
 *   <li>LSEEK 0x4 | PREAD 0x8 (PWRITE had the same value) for regular files, directories, block
 *       and character devices and symlinks, as {@code __dentry_open} set them for every opened
 *       path (a driver may clear them with {@code nonseekable_open}; that is not visible from
 *       user space, so devices keep them);</li>
 *   <li>nothing more for pipes, sockets and anonymous inodes: they were made by
 *       {@code alloc_file} with the access bits only;</li>
 *   <li>O_PATH: FMODE_PATH 0x4000 alone (the present kernel's value; 2.6.28 had no O_PATH), and
 *       neither READ nor WRITE.</li>
 * </ul>
 */
public final class FileMode {
    public static final int FMODE_READ = FileFlags.FMODE_READ;
    public static final int FMODE_WRITE = FileFlags.FMODE_WRITE;
    public static final int FMODE_LSEEK = FileFlags.FMODE_LSEEK;
    public static final int FMODE_PREAD = FileFlags.FMODE_PREAD;
    public static final int FMODE_PATH = FileFlags.FMODE_PATH;

    private static final int O_PATH = FileFlags.O_PATH;

    private FileMode() {
    }

    public static int of(FdType type, int flags) {
        if ((flags & O_PATH) != 0) return FMODE_PATH;
        int mode = FileFlags.openFmode(flags);
        if (type != null && isPathOpened(type)) mode |= FMODE_LSEEK | FMODE_PREAD;
        return mode;
    }

    private static boolean isPathOpened(FdType t) {
        return switch (t) {
            case FILE, DIR, CHR, BLK, SYMLINK -> true;
            case FIFO, SOCK, ANON -> false;
        };
    }
}
