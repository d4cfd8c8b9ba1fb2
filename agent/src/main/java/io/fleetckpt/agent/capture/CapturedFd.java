package io.fleetckpt.agent.capture;

import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.RawBytes;

/**
 * One fd of one task, everything the capture learnt about it, without touching the open file
 * description itself: /proc/PID/fdinfo/N, readlink and stat of /proc/PID/fd/N, and kcmp.
 *
 * @param fd          the fd number
 * @param closeOnExec the per-fd O_CLOEXEC bit that fdinfo's {@code flags:} carries
 * @param flags       the description's f_flags: fdinfo {@code flags:} without O_CLOEXEC
 * @param mode        f_mode as chosen by {@link FileMode} (2.6.28 FMODE numbering)
 * @param pos         fdinfo {@code pos:}
 * @param mntId       fdinfo {@code mnt_id:} (0 for internal mounts such as memfd's)
 * @param ino         fdinfo {@code ino:} (stat's st_ino on kernels before 5.14)
 * @param dev         stat st_dev of the open file (following the magic link); -1 if stat failed
 * @param rdev        stat st_rdev (devices), else 0
 * @param size        stat st_size
 * @param nlink       stat st_nlink
 * @param statMode    stat st_mode, whole (type and permission bits); -1 if stat failed
 * @param type        the kind from st_mode (S_IFMT 0 = anonymous inode); from the link text
 *                    when stat failed; null if neither tells
 * @param deleted     link count 0: unlinked, memfd. Never decided from a " (deleted)" suffix
 * @param path        the link text as raw bytes, exactly as the kernel gave it
 * @param fdinfoExtra fdinfo lines past the common ones (eventfd-count, tfd, ...) raw, or null
 * @param statErrno   0, or the errno with which stat failed (the fd is still recorded)
 * @param objref      the open file description's id, image-wide, from 1 in first-seen order;
 *                    equal objrefs ⇔ kcmp(KCMP_FILE) equal. 0 before sharing ran
 */
public record CapturedFd(int fd, boolean closeOnExec, int flags, int mode, long pos, int mntId, long ino,
                         long dev, long rdev, long size, long nlink, int statMode, FdType type,
                         boolean deleted, RawBytes path, RawBytes fdinfoExtra, int statErrno, int objref) {

    public CapturedFd withObjref(int ref) {
        return new CapturedFd(fd, closeOnExec, flags, mode, pos, mntId, ino, dev, rdev, size, nlink, statMode,
                type, deleted, path, fdinfoExtra, statErrno, ref);
    }

    /** Equal in everything the scan reads; objref aside. Used to tell whether two scans agree. */
    public boolean sameScan(CapturedFd o) {
        return withObjref(0).equals(o.withObjref(0));
    }
}
