package io.fleetckpt.format.record;

import io.fleetckpt.format.model.TaskInfo;

import java.io.IOException;

/**
 * {@code struct cr_hdr_task} (24 bytes), parent 0, followed by a STRING with the comm. We always
 * write task_comm_len = TASK_COMM_LEN (16) and accept nothing else: a different value would
 * change the STRING's length and v13 never wrote one.
 */
public record TaskRecord(int state, int exitState, int exitCode, int exitSignal) {
    public static final int SIZE = 24;
    public static final int OFF_STATE = 0;
    public static final int OFF_EXIT_STATE = 4;
    public static final int OFF_EXIT_CODE = 8;
    public static final int OFF_EXIT_SIGNAL = 12;
    public static final int OFF_TASK_COMM_LEN = 16;
    public static final StructLayout LAYOUT = StructLayout.of("cr_hdr_task", SIZE,
            "state", OFF_STATE, "exit_state", OFF_EXIT_STATE, "exit_code", OFF_EXIT_CODE,
            "exit_signal", OFF_EXIT_SIGNAL, "task_comm_len", OFF_TASK_COMM_LEN);

    public static TaskRecord of(TaskInfo t) {
        return new TaskRecord(t.state(), t.exitState(), t.exitCode(), t.exitSignal());
    }

    public void write(RecordOutput out) throws IOException {
        int p = CrHdr.write(out, RecordType.TASK, SIZE, 0);
        out.putInt(p + OFF_STATE, state);
        out.putInt(p + OFF_EXIT_STATE, exitState);
        out.putInt(p + OFF_EXIT_CODE, exitCode);
        out.putInt(p + OFF_EXIT_SIGNAL, exitSignal);
        out.putInt(p + OFF_TASK_COMM_LEN, TaskInfo.TASK_COMM_LEN);
    }

    public static TaskRecord read(RecordInput in) throws IOException {
        int p = in.expectFixed(RecordType.TASK, SIZE);
        in.expectParent(0, "none");
        int commLen = in.getInt(p + OFF_TASK_COMM_LEN);
        if (commLen != TaskInfo.TASK_COMM_LEN) {
            throw in.error(OFF_TASK_COMM_LEN, "task_comm_len", commLen + ", must be " + TaskInfo.TASK_COMM_LEN);
        }
        TaskRecord r = new TaskRecord(in.getInt(p + OFF_STATE), in.getInt(p + OFF_EXIT_STATE),
                in.getInt(p + OFF_EXIT_CODE), in.getInt(p + OFF_EXIT_SIGNAL));
        in.endRecord();
        return r;
    }
}
