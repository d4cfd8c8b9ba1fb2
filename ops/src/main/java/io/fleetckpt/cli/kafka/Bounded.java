package io.fleetckpt.cli.kafka;

import io.fleetckpt.kafka.ChunkBudget;
import picocli.CommandLine;

import java.util.function.LongFunction;

/**
 * Whole numbers refused while the command line is parsed when they are out of range, with the
 * range named: a bad value must not wait for a broker connection (or a 60 s timeout) before
 * anyone says it is bad.
 */
public abstract class Bounded<T> implements CommandLine.ITypeConverter<T> {
    private final long min;
    private final long max;
    private final LongFunction<T> box;

    protected Bounded(long min, long max, LongFunction<T> box) {
        this.min = min;
        this.max = max;
        this.box = box;
    }

    @Override
    public T convert(String value) {
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException(notANumber(value));
        }
        if (v < min || v > max) throw new CommandLine.TypeConversionException(outOfRange(value));
        return box.apply(v);
    }

    protected String notANumber(String value) {
        return "'" + value + "' is not a whole number";
    }

    protected String outOfRange(String value) {
        return "'" + value + "' is out of range: " + (max >= Integer.MAX_VALUE ? "at least " + min : min + ".." + max);
    }

    /** A count of at least 1 (messages, seconds, threads). */
    public static final class PositiveInt extends Bounded<Integer> {
        public PositiveInt() {
            super(1, Integer.MAX_VALUE, v -> (int) v);
        }
    }

    public static final class PositiveLong extends Bounded<Long> {
        public PositiveLong() {
            super(1, Long.MAX_VALUE, v -> v);
        }
    }

    /** A record chunk's payload budget, as {@link ChunkBudget} accepts it. */
    public static final class ChunkBytes extends Bounded<Integer> {
        public ChunkBytes() {
            super(ChunkBudget.MIN_PAYLOAD, ChunkBudget.MAX_PAYLOAD, v -> (int) v);
        }
    }

    /** As {@link io.fleetckpt.kafka.TopicLayout} accepts it. */
    public static final class Partitions extends Bounded<Integer> {
        public Partitions() {
            super(1, 10_000, v -> (int) v);
        }
    }

    public static final class ReplicationFactor extends Bounded<Short> {
        public ReplicationFactor() {
            super(1, Short.MAX_VALUE, v -> (short) v);
        }
    }
}
