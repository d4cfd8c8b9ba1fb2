package io.fleetckpt.cli.kafka;

import picocli.CommandLine;

/**
 * A process id as {@code --pid} and {@code --tree} take it: 1 or more. 0 and negative numbers are
 * no process (kill(2) reads them as process groups), so they are a usage error here instead of a
 * capture that reports "no such process" for them.
 */
public final class PidConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        int pid;
        try {
            pid = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a process id");
        }
        if (pid < 1) throw new CommandLine.TypeConversionException("'" + value + "' is not a process id (they start at 1)");
        return pid;
    }
}
