package io.fleetckpt.format.model;

/**
 * One process as the TREE pids entry and the TASK + STRING records describe it.
 * {@code comm} is the kernel's comm up to its first NUL (at most 16 bytes, no NUL inside): the
 * writer NUL-pads it to the 16-byte kernel array, the reader stops at the first NUL.
 */
public record TaskInfo(int pid, int tgid, int ppid, RawBytes comm,
                       int state, int exitState, int exitCode, int exitSignal) {
    public static final int TASK_COMM_LEN = 16;
}
