package io.fleetckpt.cli;

import io.fleetckpt.store.FileSystemImageStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a --store DIR for reading; a missing store is an error (exit 2, one line, no usage text:
 * the command line was right, the directory is not), never silently created.
 */
final class ExistingStore {
    private ExistingStore() {
    }

    static FileSystemImageStore open(Path dir) throws IOException {
        if (!Files.isDirectory(dir.resolve("checkpoints"))) {
            throw new IOException("no image store at " + dir + " (expected " + dir.resolve("checkpoints") + "; --store DIR names another)");
        }
        return new FileSystemImageStore(dir);
    }
}
