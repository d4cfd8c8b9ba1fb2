package io.fleetckpt.agent.freeze;

/**
 * The tasks did not all reach the frozen state within the bound (a task in D state, say), or one
 * of them cannot be frozen at all (SIGSTOP refused). Everything was thawed again.
 */
public final class FreezeTimeout extends Exception {
    public FreezeTimeout(String message) {
        super(message);
    }
}
