package io.fleetckpt.agent.daemon;

/** The capture of a host's selection failed as a whole; the message is the ABORT reason. */
public final class CaptureException extends Exception {
    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }

    public CaptureException(String message) {
        super(message);
    }
}
