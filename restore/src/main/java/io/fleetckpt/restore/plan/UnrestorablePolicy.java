package io.fleetckpt.restore.plan;

/** What to do with a description that cannot be reopened by path (pipe, socket, anon inode, deleted file). */
public enum UnrestorablePolicy {
    /** Leave its fd numbers closed in COMMAND. */
    SKIP,
    /** Put /dev/null, opened with the saved access mode, at its fd numbers. */
    DEVNULL,
    /** Restore nothing and run no COMMAND when anything cannot be restored exactly. */
    FAIL
}
