package io.fleetckpt.agent.share;

import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.sys.Syscalls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds processes one of whose threads has an fd table of its own (it called
 * unshare(CLONE_FILES)): /proc/PID/fd shows the leader's table only, and an image has one table
 * per process, so such a process cannot be captured completely. kcmp(KCMP_FILES) against the
 * leader, once per thread of a multi-threaded process.
 */
public final class ThreadTables {
    private final Syscalls sys;

    public ThreadTables(Syscalls sys) {
        this.sys = sys;
    }

    /** @return one error for each process with a thread whose fd table is not the leader's */
    public List<TaskError> unshared(Iterable<Integer> pids) {
        List<TaskError> errors = new ArrayList<>();
        for (int pid : pids) {
            int tid = threadWithOwnTable(pid);
            if (tid > 0) {
                errors.add(TaskError.task(pid, TaskError.Kind.THREAD_TABLE, "thread " + tid
                        + " has an fd table of its own (unshare(CLONE_FILES)), which /proc/" + pid
                        + "/fd does not show and an image cannot hold"));
            }
        }
        return errors;
    }

    private int threadWithOwnTable(int pid) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc", Integer.toString(pid), "task"))) {
            for (Path t : ds) {
                int tid = Integer.parseInt(t.getFileName().toString());
                // > 0: another table; < 0: the thread (or process) is gone, which the scan reports
                if (tid != pid && sys.kcmp(pid, tid, Syscalls.KCMP_FILES, 0, 0) > 0) return tid;
            }
        } catch (IOException e) {
            // gone: the scan reports it
        }
        return 0;
    }
}
