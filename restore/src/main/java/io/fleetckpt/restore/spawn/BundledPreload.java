package io.fleetckpt.restore.spawn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The fleetckpt_cloexec preload library the build compiled (src/main/c, when gcc was there) and
 * packed into the jar, put where a dynamic loader can map it.
 *
 * <p>The file goes to a per-user cache directory under a name that carries its SHA-256, not to a
 * temporary file deleted at exit: COMMAND's loader maps the library after posix_spawn returns, so
 * a file removed when the JVM exits could be gone before COMMAND starts. Because every COMMAND of
 * a restore runs with this file in LD_PRELOAD, the directory and file must be the user's own and
 * writable by nobody else; anything else there is refused rather than used.
 */
public final class BundledPreload {
    static final String RESOURCE = "/native/linux-x86_64/libfleetckpt_cloexec.so";
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("r-x------");
    private static final Set<PosixFilePermission> WRITING_MODE = PosixFilePermissions.fromString("rw-------");

    private BundledPreload() {
    }

    /** Whether this build carries the library (gcc was present at build time, x86-64 only). */
    public static boolean available() {
        return isX8664() && BundledPreload.class.getResource(RESOURCE) != null;
    }

    /**
     * The library installed under {@code cacheDir} (created 0700 if missing), or empty when this
     * build has none.
     */
    public static Optional<Path> install(Path cacheDir) throws IOException {
        if (!available()) return Optional.empty();
        byte[] lib;
        try (InputStream in = BundledPreload.class.getResourceAsStream(RESOURCE)) {
            lib = in.readAllBytes();
        }
        Files.createDirectories(cacheDir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        requirePrivate(cacheDir, "directory");
        Path target = cacheDir.resolve("libfleetckpt_cloexec-" + sha256(lib).substring(0, 16) + ".so");
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            requirePrivate(target, "library");
            if (java.util.Arrays.equals(Files.readAllBytes(target), lib)) return Optional.of(target);
        }
        // created writable by its owner only: a file made read-only from the start cannot be
        // written by anyone but root (who bypasses the mode), so a normal user could never install it
        Path tmp = Files.createTempFile(cacheDir, ".libfleetckpt_cloexec", ".tmp", PosixFilePermissions.asFileAttribute(WRITING_MODE));
        try {
            Files.write(tmp, lib);
            Files.setPosixFilePermissions(tmp, FILE_MODE);
            // same directory: rename is atomic, so a concurrent restore maps the old or the new file, whole
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return Optional.of(target);
    }

    /**
     * The library {@code --cloexec-preload auto} uses: installed in {@link #defaultCacheDir} (a dry
     * run installs nothing and names where it would go). When it cannot be installed there, the
     * restore goes on without it, as with {@code --cloexec-preload none} (close-on-exec left to
     * COMMAND, "deferred"), and {@code warning} says where and why; a dry run predicts the same.
     */
    public record Choice(Path library, String warning) {
    }

    public static Choice chooseDefault(java.util.Map<String, String> env, boolean dryRun) {
        if (!available()) return new Choice(null, null);
        Path cache = defaultCacheDir(env);
        try {
            if (!dryRun) return new Choice(install(cache).orElse(null), null);
            String problem = installProblem(cache);
            if (problem == null) return new Choice(cache.resolve("libfleetckpt_cloexec.so"), null);
            return new Choice(null, notInstalled(cache, problem));
        } catch (IOException e) {
            return new Choice(null, notInstalled(cache, reason(e)));
        }
    }

    private static String notInstalled(Path cache, String why) {
        return "cannot install the close-on-exec preload library in " + cache + " (" + why + "); going on as with"
                + " --cloexec-preload none: fds saved with close-on-exec are left to COMMAND (deferred);"
                + " set XDG_CACHE_HOME or HOME to a directory of your own to use it";
    }

    /** Why {@link #install} would fail for {@code cacheDir}, judged without writing anything, or null. */
    static String installProblem(Path cacheDir) throws IOException {
        Path dir = cacheDir.toAbsolutePath();
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            requirePrivate(dir, "directory");
            if (!Files.isDirectory(dir)) return "exists and is not a directory: " + dir;
            return Files.isWritable(dir) ? null : "permission denied: " + dir;
        }
        Path missing = dir;
        while (missing.getParent() != null && !Files.exists(missing.getParent())) missing = missing.getParent();
        Path parent = missing.getParent();
        if (parent == null) return null;
        if (!Files.isDirectory(parent)) return "not a directory: " + parent;
        return Files.isWritable(parent) && Files.isExecutable(parent) ? null : "permission denied: " + missing;
    }

    /** An install failure in one line: java.nio's exceptions for EACCES, ENOENT, ENOTDIR carry only the path. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException a) return "permission denied: " + a.getFile();
        if (e instanceof java.nio.file.NoSuchFileException n) return "no such file or directory: " + n.getFile();
        if (e instanceof java.nio.file.NotDirectoryException n) return "not a directory: " + n.getFile();
        if (e instanceof java.nio.file.FileAlreadyExistsException f) return "exists and is not a directory: " + f.getFile();
        return e.getMessage();
    }

    /**
     * {@code $XDG_CACHE_HOME/fleetckpt}, else {@code $HOME/.cache/fleetckpt}, else the passwd
     * entry's home ({@code user.home}, which ignores $HOME: nobody's is /nonexistent).
     */
    public static Path defaultCacheDir(java.util.Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        String home = env.get("HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg)
                : Path.of(home != null && home.startsWith("/") ? home : System.getProperty("user.home"), ".cache");
        return base.resolve("fleetckpt");
    }

    private static void requirePrivate(Path p, String what) throws IOException {
        if (Files.isSymbolicLink(p)) throw new IOException("preload " + what + " " + p + " is a symlink; refusing to use it");
        int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (owner != self) throw new IOException("preload " + what + " " + p + " belongs to uid " + owner + ", not to this user (uid " + self + ")");
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("preload " + what + " " + p + " is writable by others (" + PosixFilePermissions.toString(perms) + ")");
        }
    }

    private static boolean isX8664() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) || "x86_64".equals(arch);
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
