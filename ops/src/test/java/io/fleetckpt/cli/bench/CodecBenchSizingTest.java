package io.fleetckpt.cli.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forked JVM checks its size against its own max heap, which the JVM reports a little below
 * -Xmx; the heap it is given must leave room for that, or the fork refuses the size it was made
 * for (it did, at the default 1,000 × 1,000, whose heap was rounded down).
 */
class CodecBenchSizingTest {
    @Test
    void theForksHeapHoldsWhatItWasSizedForEvenWhenReportedSmaller() {
        for (long entries : new long[] {1_000_000, 650_000, 123_457, 10, 4_000_001}) {
            long given = CodecBenchCommand.heapMb(entries);
            long reported = given * 95 / 100;
            assertTrue(CodecBenchCommand.entriesFitting(reported) >= entries,
                    entries + " entries: a " + given + " MB heap reported as " + reported + " MB holds only "
                            + CodecBenchCommand.entriesFitting(reported));
        }
    }
}
