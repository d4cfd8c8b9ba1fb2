package io.fleetckpt.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a second {@code local} off a data directory in use. Two brokers on one log directory
 * damage it before Kafka's own lock stops the second: that lock is taken only after the metadata
 * log was opened and recovered, which corrupted the running broker's {@code __cluster_metadata}.
 * Ours is taken before anything reads the directory, and holds the holder's pid for the message.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE_NAME = "fleetckpt-local.lock";

    /**
     * Directories this JVM holds: file locks belong to the process, so a second tryLock here
     * would not see the first (Java throws instead), and closing any other channel of the file
     * would drop the process's lock.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another process (or another command of this one) holds the directory. */
    static final class InUseException extends IllegalStateException {
        InUseException(Path dir, String holderPid) {
            super("another fleetckpt local is using " + dir + (holderPid == null ? "" : " (pid " + holderPid + ")")
                    + "; stop it or pass --data OTHER_DIR");
        }
    }

    /** Creates {@code dataDir} if missing and locks it, or throws {@link InUseException}. */
    static DataDirLock acquire(Path dataDir) throws IOException {
        Path dir = Files.createDirectories(dataDir).toRealPath();
        String me = Long.toString(ProcessHandle.current().pid());
        if (!HELD_HERE.add(dir)) throw new InUseException(dir, me);
        FileChannel ch = null;
        try {
            // no TRUNCATE_EXISTING: the holder's pid must survive our open
            ch = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) throw new InUseException(dir, holderPid(ch));
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataDirLock(dir, ch, lock);
        } catch (IOException | RuntimeException e) {
            HELD_HERE.remove(dir);
            if (ch != null) ch.close();
            throw e;
        }
    }

    private static String holderPid(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        ch.read(b, 0);
        String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
        return s.matches("[0-9]{1,10}") ? s : null;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            HELD_HERE.remove(dir);
        }
    }
}
