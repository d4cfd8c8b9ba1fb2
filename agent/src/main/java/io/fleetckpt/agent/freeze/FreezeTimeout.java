package io.fleetckpt.agent.freeze;

/** The tasks did not all reach the frozen state within the bound (a task in D state, say). Everything was thawed again. */
public final class FreezeTimeout extends Exception {
    public FreezeTimeout(String message) {
        super(message);
    }
}
