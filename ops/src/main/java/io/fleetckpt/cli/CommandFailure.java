package io.fleetckpt.cli;

import java.util.List;

/**
 * A command's own verdict that it failed (exit 2), thrown so that every failure is reported by
 * {@link ErrorHandler} alike: the line on stderr, and with {@code --json} the JSON object on stdout.
 * The details are what the user needs beside the one line (each task not captured, say).
 */
final class CommandFailure extends RuntimeException {
    private final List<String> details;

    CommandFailure(String message, List<String> details) {
        super(message);
        this.details = List.copyOf(details);
    }

    CommandFailure(String message) {
        this(message, List.of());
    }

    List<String> details() {
        return details;
    }
}
