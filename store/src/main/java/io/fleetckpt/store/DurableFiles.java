package io.fleetckpt.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * fsync helpers. A rename or link is durable only once the directory holding the new name is
 * synced too (as postgres' durable_rename and Kafka's flushDir do).
 */
final class DurableFiles {
    private DurableFiles() {
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
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
