package io.fleetckpt.restore.spawn;

import io.fleetckpt.restore.sys.Sys;
import io.fleetckpt.restore.sys.SysException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the dynamic loader could map a preload library at all. A library on a file system
 * mounted noexec is refused by mmap(PROT_EXEC); ld.so then prints a line to COMMAND's stderr and
 * starts COMMAND without it, so close-on-exec would silently not be restored.
 */
public final class LoadableLibrary {
    private LoadableLibrary() {
    }

    /**
     * @param lib the library, or where it would be installed (a dry run): a path that does not
     *            exist yet is judged by its nearest existing directory, where it would be created
     * @return why the loader would skip it, or null when nothing is known against it
     */
    public static String problem(Path lib) {
        Path probe = lib.toAbsolutePath();
        while (probe != null && !Files.exists(probe)) probe = probe.getParent();
        if (probe == null) return null;
        if (probe.equals(lib.toAbsolutePath()) && !Files.isRegularFile(lib)) return lib + " is not a regular file";
        try {
            if (Sys.noexec(probe)) {
                return "the file system of " + (Files.isDirectory(probe) ? probe : probe.getParent())
                        + " is mounted noexec, so the dynamic loader cannot map " + lib + " and would skip it";
            }
        } catch (SysException e) {
            return null; // statvfs failing here says nothing about the loader; the spawn will report real errors
        }
        return null;
    }
}
