package io.fleetckpt.agent.capture;

/** How the capture stats the open file behind /proc/PID/fd/N (inside the frozen window). */
public enum StatCall {
    /**
     * statx(2) with AT_STATX_DONT_SYNC: the attributes the kernel has cached. FUSE and NFS then
     * answer without asking their daemon or server, so a hung one cannot block the capture; the
     * price is that a size or link count changed elsewhere (another NFS client) can be stale.
     * The default.
     */
    CACHED,
    /**
     * fstatat(2), which is what stat(2) does: a FUSE or NFS file whose cached attributes expired
     * is asked of its daemon or server, and blocks while that does not answer. Kept to measure
     * against, and for the tests of the frozen-window bound (it models a filesystem that ignores
     * AT_STATX_DONT_SYNC).
     */
    FSTATAT
}
