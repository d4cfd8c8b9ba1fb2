package io.fleetckpt.agent.capture;

import io.fleetckpt.format.model.FdType;

/** The kind of an open file, from stat's st_mode or, when stat failed, from the link text. */
final class FdKinds {
    static final int S_IFMT = 0170000;

    private FdKinds() {
    }

    /** @return the kind; S_IFMT 0 is an anonymous inode (eventfd, epoll, ...); null if unknown */
    static FdType ofStatMode(int mode) {
        return switch (mode & S_IFMT) {
            case 0100000 -> FdType.FILE;
            case 0040000 -> FdType.DIR;
            case 0020000 -> FdType.CHR;
            case 0060000 -> FdType.BLK;
            case 0010000 -> FdType.FIFO;
            case 0140000 -> FdType.SOCK;
            case 0120000 -> FdType.SYMLINK;
            case 0 -> FdType.ANON;
            default -> null;
        };
    }

    /**
     * A file stat calls regular (or a directory, device...) whose name is not a path is a
     * pseudo-filesystem inode with no path to reopen, such as a namespace fd ({@code net:[4026531833]},
     * nsfs, which stat calls a regular file): it is recorded as anonymous, not as a file, so that
     * strict v13 refuses it and nothing takes its name for a path.
     */
    static FdType pathless(FdType byStat, byte[] link, int len) {
        boolean pathKind = byStat == FdType.FILE || byStat == FdType.DIR || byStat == FdType.CHR
                || byStat == FdType.BLK || byStat == FdType.SYMLINK;
        return pathKind && (len == 0 || link[0] != '/') ? FdType.ANON : byStat;
    }

    private static final byte[] SOCKET = "socket:[".getBytes();
    private static final byte[] PIPE = "pipe:[".getBytes();
    private static final byte[] ANON = "anon_inode:".getBytes();

    /** For fds stat could not follow: what the link text says, or null. */
    static FdType ofLinkText(byte[] link, int len) {
        if (startsWith(link, len, SOCKET)) return FdType.SOCK;
        if (startsWith(link, len, PIPE)) return FdType.FIFO;
        if (startsWith(link, len, ANON)) return FdType.ANON;
        return null;
    }

    private static boolean startsWith(byte[] b, int len, byte[] prefix) {
        if (len < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[i] != prefix[i]) return false;
        return true;
    }
}
