package io.fleetckpt.restore.spawn;

import java.util.List;

/**
 * A running COMMAND with a restored fd table. {@code deferredCloexec} lists the fds that had
 * close-on-exec in the image: they are open in COMMAND without FD_CLOEXEC (an fd marked so would
 * not survive the exec into COMMAND) and are named in {@value FdTableSpawner#CLOEXEC_ENV}.
 */
public record SpawnedTask(int imagePid, int pid, List<Integer> deferredCloexec) {
    public SpawnedTask {
        deferredCloexec = List.copyOf(deferredCloexec);
    }
}
