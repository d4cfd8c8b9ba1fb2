package io.fleetckpt.cli.kafka;

/**
 * A process id as {@code --pid} and {@code --tree} take it: 1 or more. 0 and negative numbers are
 * no process (kill(2) reads them as process groups), so they are a usage error here instead of a
 * capture that reports "no such process" for them.
 */
public final class PidConverter extends Bounded<Integer> {
    public PidConverter() {
        super(1, Integer.MAX_VALUE, v -> (int) v);
    }

    @Override
    protected String notANumber(String value) {
        return "'" + value + "' is not a process id";
    }

    @Override
    protected String outOfRange(String value) {
        return "'" + value + "' is not a process id (they start at 1)";
    }
}
