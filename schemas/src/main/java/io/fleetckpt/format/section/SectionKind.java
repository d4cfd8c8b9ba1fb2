package io.fleetckpt.format.section;

/** What a host-stream payload holds (mirrors the BEGIN/TASKS/END chunk kinds on Kafka). */
public enum SectionKind {
    /** HEAD, TREE and the pids array. */
    BEGIN,
    /** Whole records of task sections; a task section may span several TASKS payloads. */
    TASKS,
    /** TAIL only. */
    END
}
