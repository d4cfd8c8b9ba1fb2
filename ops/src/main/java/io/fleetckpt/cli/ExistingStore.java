package io.fleetckpt.cli;

import io.fleetckpt.store.FileSystemImageStore;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a --store DIR for reading; a missing store is a usage error, never silently created. */
final class ExistingStore {
    private ExistingStore() {
    }

    static FileSystemImageStore open(Path dir, CommandLine cl) throws IOException {
        if (!Files.isDirectory(dir.resolve("checkpoints"))) {
            throw new CommandLine.ParameterException(cl, "no image store at " + dir + " (expected " + dir.resolve("checkpoints") + ")");
        }
        return new FileSystemImageStore(dir);
    }
}
