package io.fleetckpt.cli;

import picocli.CommandLine;

/**
 * Turns an exception that escaped a command into one line on stderr and exit code 2. The stack
 * trace is printed only with FLEETCKPT_DEBUG=1: users get the message that names what is wrong.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_FAILURE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cl.getErr().println("fleetckpt " + cl.getCommandName() + ": error: " + msg);
        if ("1".equals(System.getenv("FLEETCKPT_DEBUG"))) ex.printStackTrace(cl.getErr());
        return EXIT_FAILURE;
    }
}
