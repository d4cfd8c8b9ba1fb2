package io.fleetckpt.restore.plan;

/** What the restorer will do with one open file description. */
public enum Action {
    /** Reopen it by path (under the root), with its saved flags and position. */
    OPEN,
    /** Open /dev/null with its access mode instead. */
    PLACEHOLDER,
    /** Leave its fds closed. */
    SKIP,
    /** It cannot be restored and the policy says fail. */
    FAIL
}
