package io.fleetckpt.cli.capture;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Where {@code capture -o} puts the image, judged before anything is frozen. What the name is
 * decides how it is written, so that a user's device node, FIFO or symlink is never replaced by a
 * regular file:
 * <ul>
 * <li>{@code -}: stdout;</li>
 * <li>an existing character or block device or FIFO: opened and written straight through (no
 * temp file, no rename: {@code /dev/null} discards, a FIFO streams);</li>
 * <li>a symlink: followed to the file it names, which is then treated as below (the link stays);</li>
 * <li>a regular file or a name not yet taken: a temp file in the same directory, written, fsynced
 * and renamed over the name, then the directory fsynced: a reader sees the old image or the new
 * one, whole, also after a crash.</li>
 * </ul>
 */
public final class ImageTarget {
    /** Linux's bound on symlinks followed in one lookup (ELOOP beyond). */
    private static final int MAX_LINKS = 40;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    enum Kind { STDOUT, STREAM, FILE }

    /** Writes the image's bytes; returns how many. */
    @FunctionalInterface
    public interface Body {
        long writeTo(OutputStream out) throws IOException;
    }

    /** A name that cannot take the image, with why (one line). */
    public static final class UnwritableException extends IOException {
        UnwritableException(String message) {
            super(message);
        }
    }

    private final String named;
    private final Kind kind;
    /** the device, FIFO or file written (symlinks followed); null for stdout */
    private final Path path;
    private final OutputStream stdout;
    private java.util.function.Consumer<String> waiting = line -> { };

    private ImageTarget(String named, Kind kind, Path path, OutputStream stdout) {
        this.named = named;
        this.kind = kind;
        this.path = path;
        this.stdout = stdout;
    }

    /**
     * @param named  the {@code -o} argument
     * @param stdout where {@code -} writes (null: this process's fd 1)
     */
    public static ImageTarget of(String named, OutputStream stdout) throws UnwritableException {
        if (named.equals("-")) return new ImageTarget(named, Kind.STDOUT, null, stdout);
        // Path.of drops a trailing slash: "new/" would otherwise become a file named "new"
        if (named.endsWith("/")) return refuse(named, Files.isDirectory(Path.of(named)) ? "is a directory" : "names a directory, not a file");
        Path real = followLinks(Path.of(named).toAbsolutePath(), named);
        if (Files.isDirectory(real)) return refuse(named, "is a directory");
        if (Files.exists(real, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            if ((mode(real) & S_IFMT) == S_IFSOCK) return refuse(named, "is a socket");
            if (!Files.isWritable(real)) return refuse(named, "is not writable");
            return new ImageTarget(named, Kind.STREAM, real, stdout);
        }
        Path dir = real.getParent();
        if (dir == null || !Files.isDirectory(dir)) return refuse(named, "no such directory " + dir);
        if (!Files.isWritable(dir)) return refuse(named, "directory " + dir + " is not writable");
        if (Files.exists(real) && !Files.isWritable(real)) return refuse(named, "is not writable");
        return new ImageTarget(named, Kind.FILE, real, stdout);
    }

    /**
     * Where an image that left selected tasks out goes: {@code NAME.partial} beside the name given,
     * so that NAME (perhaps an earlier complete image) is neither created nor replaced by it. Stdout,
     * a device or a FIFO cannot be renamed: they take the partial image themselves.
     */
    public ImageTarget forPartial() throws UnwritableException {
        return kind == Kind.FILE ? of(named + ".partial", stdout) : this;
    }

    /** Told once when a FIFO has no reader yet a second after the write began (open(2) waits for one). */
    public ImageTarget onWaiting(java.util.function.Consumer<String> notice) {
        this.waiting = notice;
        return this;
    }

    /** Whether the image lands in a file of that name (else stdout, a device or a FIFO). */
    public boolean isFile() {
        return kind == Kind.FILE;
    }

    /** The name as given. */
    public String name() {
        return named;
    }

    /** The file or node written, symlinks followed; null for stdout. */
    public Path path() {
        return path;
    }

    /** For people: the name, and where a symlink led. */
    public String describe() {
        if (kind == Kind.STDOUT) return "stdout";
        return path.equals(Path.of(named).toAbsolutePath()) ? named : named + " (-> " + path + ")";
    }

    /** Writes the image; on a failure a regular file's old content stays and no temp file is left. */
    public long write(Body body) throws IOException {
        switch (kind) {
            case STDOUT -> {
                OutputStream fd1 = stdout != null ? stdout : new FileOutputStream(FileDescriptor.out);
                // not closed: fd 1 stays open for whatever the JVM writes after us
                OutputStream out = new BufferedOutputStream(fd1, 1 << 16);
                long n = body.writeTo(out);
                out.flush();
                return n;
            }
            case STREAM -> {
                // WRITE only: no O_CREAT (a node that vanished is an error), no O_TRUNC
                try (OutputStream out = new BufferedOutputStream(openSaying(), 1 << 16)) {
                    return body.writeTo(out);
                }
            }
            default -> {
                return replaceAtomically(body);
            }
        }
    }

    /** Opens the node; a FIFO without a reader blocks in open(2), which one line then says. */
    private OutputStream openSaying() throws IOException {
        java.util.concurrent.atomic.AtomicBoolean opened = new java.util.concurrent.atomic.AtomicBoolean();
        Thread notice = new Thread(() -> {
            try {
                Thread.sleep(1000);
                if (!opened.get()) waiting.accept("waiting for a reader of " + describe() + " (a FIFO: the image is written once one opens it)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fifo-wait-notice");
        notice.setDaemon(true);
        notice.start();
        try {
            return Files.newOutputStream(path, StandardOpenOption.WRITE);
        } finally {
            opened.set(true);
            notice.interrupt();
        }
    }

    private long replaceAtomically(Body body) throws IOException {
        Path dir = path.getParent();
        // uniquely named: two captures to one directory never share a temp file
        Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
        try {
            // a replaced image keeps its mode; a new one stays 0600 (it names other users' files)
            if (Files.isRegularFile(path)) Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(path));
            long n;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                n = body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // the rename is durable only once the directory is
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
            return n;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The path a chain of symlinks ends at (which may not exist yet: a dangling link is written through). */
    private static Path followLinks(Path p, String named) throws UnwritableException {
        for (int i = 0; Files.isSymbolicLink(p); i++) {
            if (i == MAX_LINKS) refuse(named, "too many levels of symbolic links");
            try {
                p = p.resolveSibling(Files.readSymbolicLink(p));
            } catch (IOException e) {
                refuse(named, "cannot read the symlink " + p + ": " + e.getMessage());
            }
        }
        return p;
    }

    private static int mode(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    private static ImageTarget refuse(String named, String why) throws UnwritableException {
        throw new UnwritableException("-o " + named + ": " + why);
    }
}
