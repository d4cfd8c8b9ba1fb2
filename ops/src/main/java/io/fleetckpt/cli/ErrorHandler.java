package io.fleetckpt.cli;

import com.fasterxml.jackson.core.JacksonException;
import io.fleetckpt.store.JsonErrors;
import picocli.CommandLine;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;

/**
 * Turns an exception that escaped a command into one line on stderr and exit code 2 (with
 * --json also a JSON object on stdout, {@link JsonError}). The stack trace is printed only with
 * FLEETCKPT_DEBUG=1: users get the message that names what is wrong.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_FAILURE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        List<String> details = ex instanceof CommandFailure f ? f.details() : List.of();
        // qualified: "fleetckpt topics create", "fleetckpt agent capture", not just "create"
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": error: " + message(ex));
        for (String d : details) cl.getErr().println("  " + d);
        if ("1".equals(System.getenv("FLEETCKPT_DEBUG"))) ex.printStackTrace(cl.getErr());
        cl.getErr().flush();
        if (JsonError.requested(cl, null)) JsonError.print(cl, message(ex), details, EXIT_FAILURE);
        return EXIT_FAILURE;
    }

    /**
     * Jackson's errors say where in plain words (line, column, field). NIO's file exceptions
     * often carry only the path as their message (NoSuchFileException, AccessDeniedException):
     * "error: /x/y.img.tmp" does not say what is wrong, so say it.
     */
    static String message(Throwable ex) {
        if (ex instanceof JacksonException j) return JsonErrors.describe(j); // not Jackson's "[Source: REDACTED ...]"
        if (ex instanceof FileSystemException f && f.getReason() == null) {
            return reason(f) + ": " + f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
        }
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    }

    /** What went wrong with the file, without its name: for messages that say what was being done to it. */
    static String reason(FileSystemException f) {
        if (f.getReason() != null) return f.getReason();
        return f instanceof NoSuchFileException ? "no such file or directory"
                : f instanceof AccessDeniedException ? "permission denied"
                : f instanceof FileAlreadyExistsException ? "already exists"
                : f instanceof NotDirectoryException ? "not a directory"
                : "file system error (" + f.getClass().getSimpleName() + ")";
    }
}
