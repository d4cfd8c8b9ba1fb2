package io.fleetckpt.restore.plan;

/**
 * The image cannot be restored as asked: a bad request (pid not in the image) or an image that no
 * kernel would have produced (hostile or corrupt). The message names the pid, fd and objref.
 */
public final class PlanException extends Exception {
    public PlanException(String message) {
        super(message);
    }
}
