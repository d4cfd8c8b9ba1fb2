package io.fleetckpt.agent;

/**
 * Where a capture spent its time, in nanoseconds. {@code frozenWindow} runs from the first freeze
 * request to the last thaw: what the target tasks experienced. {@code thaw} is the whole undoing,
 * the moves back to the tasks' own cgroups included, most of which comes after the window.
 */
public record CaptureTimings(long select, long freeze, long scan, long share, long thaw, long frozenWindow,
                             long total, long kcmpCalls) {
    public static double ms(long nanos) {
        return nanos / 1e6;
    }
}
