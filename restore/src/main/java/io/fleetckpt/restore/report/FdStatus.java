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
    FAILED;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
