package io.fleetckpt.agent.publish;

/** Lets tests of other packages use the synthetic host images. */
public final class SyntheticImagesAccess {
    private SyntheticImagesAccess() {
    }

    public static CapturedHost host(int tasks, int fds) {
        return SyntheticImages.host(tasks, fds);
    }
}
