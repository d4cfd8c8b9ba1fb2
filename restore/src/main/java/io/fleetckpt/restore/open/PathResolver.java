package io.fleetckpt.restore.open;

import io.fleetckpt.format.FileFlags;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.restore.sys.Sys;
import io.fleetckpt.restore.sys.SysException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Opens saved paths under the restore root. No symlink is followed anywhere in a path
 * (RESOLVE_NO_SYMLINKS, which also refuses magic links such as /proc/self/fd/N): a saved name is
 * the kernel's resolved path (d_path), so a symlink in it now means the file system changed since
 * the checkpoint, and following it would hand COMMAND whatever someone planted (a link to
 * /etc/shadow in place of a saved file). A symlink held with O_PATH|O_NOFOLLOW is still opened
 * as the link itself, as openat2(2) promises for a trailing symlink. With a root,
 * RESOLVE_BENEATH also refuses ".." out of the root, at every component, with no window between
 * check and open.
 */
public final class PathResolver implements AutoCloseable {
    private final int rootFd;
    private final Path root;

    private PathResolver(int rootFd, Path root) {
        this.rootFd = rootFd;
        this.root = root;
    }

    /** @param root null for the real root */
    public static PathResolver open(Path root) throws SysException {
        if (root == null) return new PathResolver(Sys.AT_FDCWD, null);
        byte[] name = root.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        int fd = Sys.openat2(Sys.AT_FDCWD, name, FileFlags.O_PATH | FileFlags.O_DIRECTORY | FileFlags.O_CLOEXEC, 0);
        return new PathResolver(fd, root);
    }

    /** @param relative the saved absolute path without its leading slash ("." for "/") */
    public int open(byte[] relative, int flags) throws SysException {
        if (rootFd == Sys.AT_FDCWD) {
            byte[] abs = new byte[relative.length + 1];
            abs[0] = '/';
            System.arraycopy(relative, 0, abs, 1, relative.length);
            if (relative.length == 1 && relative[0] == '.') abs = new byte[] {'/'};
            return Sys.openat2(Sys.AT_FDCWD, abs, flags, Sys.RESOLVE_NO_SYMLINKS);
        }
        return Sys.openat2(rootFd, relative, flags, Sys.RESOLVE_BENEATH | Sys.RESOLVE_NO_SYMLINKS);
    }

    /**
     * The path for a report line, escaped like the image's names ({@code \xNN}): a saved name is
     * untrusted bytes, and a newline or terminal escape in it must not reach the report raw.
     */
    public String describe(byte[] relative) {
        boolean top = relative.length == 1 && relative[0] == '.';
        String rel = top ? "" : RawBytes.copyOf(relative).escaped();
        return root == null ? "/" + rel : top ? root.toString() : root + "/" + rel;
    }

    @Override
    public void close() {
        if (rootFd != Sys.AT_FDCWD) Sys.close(rootFd);
    }
}
