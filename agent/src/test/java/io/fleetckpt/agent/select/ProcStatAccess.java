package io.fleetckpt.agent.select;

import java.io.IOException;

/** Test access to a process's state letter. */
public final class ProcStatAccess {
    private ProcStatAccess() {
    }

    public static char state(int pid) throws IOException {
        ProcStat st = ProcStat.read(pid);
        return st == null ? '?' : st.stateLetter();
    }
}
