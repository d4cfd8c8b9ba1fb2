package io.fleetckpt.restore.report;

/** The outcome for one fd (and for the description behind it). */
public enum FdStatus {
    /** Reopened by path with its saved flags and position. */
    RESTORED,
    /** /dev/null with the saved access mode stands in for it. */
    PLACEHOLDER,
    /** Left closed. */
    SKIPPED,
    /** Could not be restored; left closed. */
    FAILED,
    /**
     * Opened (or its placeholder was) and checked, but never handed to a COMMAND: the run stopped
     * before (--unrestorable fail, or a COMMAND that could not start).
     */
    UNPLACED;

    /** The word the report uses, in text and JSON alike. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
