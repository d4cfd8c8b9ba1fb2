package io.fleetckpt.format.model;

/**
 * One process as the TREE pids entry and the TASK + STRING records describe it.
 * {@code comm} is the raw 16-byte kernel array (shorter input is NUL-padded by the writer).
 */
public record TaskInfo(int pid, int tgid, int ppid, RawBytes comm,
                       int state, int exitState, int exitCode, int exitSignal) {
    public static final int TASK_COMM_LEN = 16;
}
