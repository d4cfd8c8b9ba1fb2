package io.fleetckpt.format.record;

import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.TaskInfo;

import java.io.IOException;

/**
 * CR_HDR_STRING: a header and raw chars, parent 0. The profile uses it for one thing, the task's
 * comm: exactly TASK_COMM_LEN bytes, NUL-padded.
 */
public final class StringRecord {
    private StringRecord() {
    }

    public static void writeComm(RecordOutput out, RawBytes comm) throws IOException {
        CString.checkFits("comm", comm, TaskInfo.TASK_COMM_LEN);
        int p = CrHdr.write(out, RecordType.STRING, TaskInfo.TASK_COMM_LEN, 0);
        out.putBytes(p, comm);
    }

    /** The comm up to its first NUL; what follows the NUL is kernel garbage and ignored. */
    public static RawBytes readComm(RecordInput in) throws IOException {
        int p = in.expectFixed(RecordType.STRING, TaskInfo.TASK_COMM_LEN);
        in.expectParent(0, "none");
        RawBytes comm = CString.read(in.buffer(), p, TaskInfo.TASK_COMM_LEN);
        in.endRecord();
        return comm;
    }
}
