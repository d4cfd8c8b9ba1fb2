package io.fleetckpt.restore.spawn;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds COMMAND as glibc's posix_spawnp will: a name with a slash as it is, any other in the
 * restorer's own PATH (posix_spawnp searches the caller's PATH, not COMMAND's environment;
 * "/bin:/usr/bin" when unset, an empty entry meaning the current directory). For the dry run,
 * which must say when the real run could not start COMMAND; the exec itself (a bad ELF, a
 * missing loader, E2BIG) is not tried.
 */
public final class CommandLookup {
    private static final String DEFAULT_PATH = "/bin:/usr/bin";

    private CommandLookup() {
    }

    /** @return why COMMAND could not be started, or null when an executable file was found */
    public static String whyNot(List<byte[]> command, String pathVariable) {
        if (command.isEmpty()) return "no COMMAND given";
        String name = new String(command.get(0), StandardCharsets.UTF_8);
        if (name.isEmpty()) return "COMMAND is an empty name";
        if (name.indexOf('/') >= 0) return problem(name, Path.of(name));
        String path = pathVariable == null ? DEFAULT_PATH : pathVariable;
        for (String dir : path.split(":", -1)) {
            try {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (problem(name, p) == null) return null;
            } catch (InvalidPathException e) {
                // an entry no file can be under: posix_spawnp goes on to the next one too
            }
        }
        return "COMMAND " + name + ": not found in PATH (" + path + ")";
    }

    private static String problem(String name, Path p) {
        if (!Files.exists(p)) return "COMMAND " + name + ": no such file";
        if (!Files.isRegularFile(p)) return "COMMAND " + name + ": not a regular file";
        if (!Files.isExecutable(p)) return "COMMAND " + name + ": not executable";
        return null;
    }
}
