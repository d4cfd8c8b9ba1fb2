package io.fleetckpt.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The one wording every command uses for an image file it cannot read at all. */
final class ImageFiles {
    private ImageFiles() {
    }

    /** @throws CommandFailure "IMAGE: no such file" (or "is a directory", "not a regular file") */
    static void requireRegularFile(Path image) {
        if (Files.isRegularFile(image)) return;
        throw new CommandFailure(image + ": " + whyNot(image));
    }

    static String whyNot(Path image) {
        return Files.isDirectory(image) ? "is a directory" : Files.exists(image) ? "not a regular file" : "no such file";
    }
}
