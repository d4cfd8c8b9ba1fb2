package io.fleetckpt.kafka;

import java.util.List;

/** Some of the pipeline's topics do not exist: the one failure that setup (topics create) cures. */
public final class MissingTopicsException extends TopicSetupException {
    public MissingTopicsException(List<String> missing) {
        super("topics " + missing + " do not exist", null);
    }
}
