package io.fleetckpt.agent.publish;

/**
 * Told the fate of every chunk send of a host stream (for metrics). Called from the producer's
 * I/O thread, so implementations must be quick and thread-safe.
 */
public interface SendListener {
    SendListener NONE = of(() -> { }, () -> { });

    /** The broker acknowledged a chunk. */
    void acknowledged();

    /** A chunk's send failed (refused, timed out, or thrown at send time). */
    void failed();

    static SendListener of(Runnable acknowledged, Runnable failed) {
        return new SendListener() {
            @Override
            public void acknowledged() {
                acknowledged.run();
            }

            @Override
            public void failed() {
                failed.run();
            }
        };
    }
}
