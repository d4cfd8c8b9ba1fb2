package io.fleetckpt.cli;

import com.fasterxml.jackson.core.JacksonException;
import io.fleetckpt.store.JsonErrors;
import picocli.CommandLine;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns an exception that escaped a command into one line on stderr and exit code 2. The stack
 * trace is printed only with FLEETCKPT_DEBUG=1: users get the message that names what is wrong.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_FAILURE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        // qualified: "fleetckpt topics create", "fleetckpt agent capture", not just "create"
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": error: " + message(ex));
        if ("1".equals(System.getenv("FLEETCKPT_DEBUG"))) ex.printStackTrace(cl.getErr());
        return EXIT_FAILURE;
    }

    /**
     * Jackson's errors say where in plain words (line, column, field). NIO's file exceptions often carry only the path as their message (NoSuchFileException,
     * AccessDeniedException): "error: /x/y.img.tmp" does not say what is wrong, so say it.
     */
    static String message(Throwable ex) {
        if (ex instanceof JacksonException j) return JsonErrors.describe(j); // not Jackson's "[Source: REDACTED ...]"
        if (ex instanceof FileSystemException f && f.getReason() == null) {
            String what = ex instanceof NoSuchFileException ? "no such file or directory"
                    : ex instanceof AccessDeniedException ? "permission denied"
                    : ex instanceof FileAlreadyExistsException ? "already exists"
                    : ex instanceof NotDirectoryException ? "not a directory"
                    : "file system error (" + ex.getClass().getSimpleName() + ")";
            return what + ": " + f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
        }
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    }
}
