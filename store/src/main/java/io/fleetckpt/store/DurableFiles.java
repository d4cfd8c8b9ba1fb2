package io.fleetckpt.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * fsync helpers. A rename or link is durable only once the directory holding the new name is
 * synced too (as postgres' durable_rename and Kafka's flushDir do).
 */
final class DurableFiles {
    private DurableFiles() {
    }

    /** Threads that sync directories of one batch concurrently (they wait on I/O, not CPU). */
    private static final int SYNC_THREADS = 8;
    private static final ExecutorService SYNCS = syncPool();

    private static ExecutorService syncPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(SYNC_THREADS, SYNC_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "fleetckpt-store-sync");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Syncs every directory, concurrently when there are several: each fsync may wait for a
     * journal commit and a device flush (about 0.15 ms idle, milliseconds while other files are
     * being synced), and concurrent ones are committed together. Measured, 100 directories with
     * a new entry each: 11-51 ms on 8 threads, 22-109 ms one after another. The first failure
     * is thrown once all ended.
     */
    static void syncDirectories(List<Path> dirs) throws IOException {
        if (dirs.size() <= 2) {
            for (Path d : dirs) syncDirectory(d);
            return;
        }
        List<Future<?>> running = new ArrayList<>(dirs.size());
        for (Path d : dirs) running.add(SYNCS.submit(() -> {
            syncDirectory(d);
            return null;
        }));
        IOException failed = null;
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                IOException io = e.getCause() instanceof IOException x ? x : new IOException(e.getCause());
                if (failed == null) failed = io;
                else failed.addSuppressed(io);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while syncing directories");
            }
        }
        if (failed != null) throw failed;
    }

    /** Creates {@code dir} and any missing parents, syncing each parent whose listing changed. */
    static void createDirectoriesDurably(Path dir) throws IOException {
        createDirectories(dir, DurableFiles::syncDirectory);
    }

    /**
     * Creates {@code dir} and any missing parents; each parent whose listing changed is handed to
     * {@code syncParent} (now, or collected for a later batched sync).
     */
    static void createDirectories(Path dir, PathAction syncParent) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.getParent();
        if (parent != null) createDirectories(parent, syncParent);
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) throw raced;
            return;
        }
        if (parent != null) syncParent.apply(parent);
    }

    @FunctionalInterface
    interface PathAction {
        void apply(Path p) throws IOException;
    }
}
