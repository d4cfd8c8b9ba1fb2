package io.fleetckpt.restore.spawn;

import io.fleetckpt.restore.open.OpenedDescription;
import io.fleetckpt.restore.plan.FdPlacement;
import io.fleetckpt.restore.plan.TaskPlan;
import io.fleetckpt.restore.sys.Libc;
import io.fleetckpt.restore.sys.Sys;
import io.fleetckpt.restore.sys.SysException;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

import static io.fleetckpt.restore.sys.Libc.C;

/**
 * Starts COMMAND with exactly a task's fd table, using glibc's posix_spawnp and file actions.
 *
 * <p>Every source fd (the restorer's copy of a description) sits at a number that no restored
 * table uses, so the dup2 actions never overwrite a source that a later action still needs. After
 * them, every other number up to the task's highest fd is closed and
 * posix_spawn_file_actions_addclosefrom_np closes the rest: none of the JVM's fds, close-on-exec
 * or not, reaches COMMAND. Signal dispositions and the mask are reset, since the JVM's would
 * otherwise be inherited across exec.
 *
 * <p>Close-on-exec cannot be honoured literally: an fd that has FD_CLOEXEC when COMMAND is
 * exec'd is gone in COMMAND. dup2 clears the flag, so such fds are present in COMMAND without it
 * and listed, comma-separated, in the environment variable {@value #CLOEXEC_ENV}; COMMAND sets
 * FD_CLOEXEC on them itself, or the preload library restore/src/main/c/fleetckpt_cloexec.c does it
 * in COMMAND's process before main() when given.
 */
public final class FdTableSpawner {
    public static final String CLOEXEC_ENV = "FLEETCKPT_CLOEXEC_FDS";
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    private static final Object FD_LIMIT_LOCK = new Object();

    private final jnr.ffi.Runtime rt = Libc.RUNTIME;
    private final BitSet allTargets;
    private final String cloexecPreload;

    /**
     * @param allTargets     every fd number of every restored table; no source may be one of them
     * @param cloexecPreload the fleetckpt_cloexec library to preload into COMMAND, or null
     */
    public FdTableSpawner(BitSet allTargets, java.nio.file.Path cloexecPreload) {
        this.allTargets = allTargets;
        this.cloexecPreload = cloexecPreload == null ? null : cloexecPreload.toAbsolutePath().toString();
    }

    /** @param fdLimit the soft RLIMIT_NOFILE COMMAND starts with (the restorer's own is put back after) */
    public SpawnedTask spawn(TaskPlan task, Map<Integer, OpenedDescription> opened, List<byte[]> argv,
                             Map<String, String> environment, long fdLimit) throws SysException {
        if (argv.isEmpty()) throw new IllegalArgumentException("no COMMAND");
        List<Object> keepAlive = new ArrayList<>();
        Pointer actions = Memory.allocateDirect(rt, 256, true);
        Pointer attr = Memory.allocateDirect(rt, 1024, true);
        check(C.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        check(C.posix_spawnattr_init(attr), "posix_spawnattr_init");
        try {
            Set<Integer> targets = new HashSet<>();
            List<Integer> deferred = new ArrayList<>();
            for (FdPlacement p : task.fds()) {
                OpenedDescription d = opened.get(p.objref());
                if (d == null || !d.placed()) continue;
                if (allTargets.get(d.fd())) throw new IllegalStateException("source fd " + d.fd() + " is a target number");
                check(C.posix_spawn_file_actions_adddup2(actions, d.fd(), p.fd()), "adddup2 " + d.fd() + "->" + p.fd());
                targets.add(p.fd());
                if (p.closeOnExec()) deferred.add(p.fd());
            }
            int closeFrom = task.maxFd() + 1;
            for (int fd = 0; fd < closeFrom; fd++) {
                if (!targets.contains(fd)) check(C.posix_spawn_file_actions_addclose(actions, fd), "addclose " + fd);
            }
            check(C.posix_spawn_file_actions_addclosefrom_np(actions, closeFrom), "addclosefrom_np " + closeFrom);

            Pointer empty = Memory.allocateDirect(rt, 128, true);
            Pointer full = Memory.allocateDirect(rt, 128, true);
            C.sigemptyset(empty);
            C.sigfillset(full);
            check(C.posix_spawnattr_setsigmask(attr, empty), "setsigmask");
            check(C.posix_spawnattr_setsigdefault(attr, full), "setsigdefault");
            check(C.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)), "setflags");
            keepAlive.add(empty);
            keepAlive.add(full);

            Map<String, String> env = new TreeMap<>(environment);
            env.remove(CLOEXEC_ENV);
            if (!deferred.isEmpty()) {
                StringJoiner j = new StringJoiner(",");
                for (int fd : deferred) j.add(Integer.toString(fd));
                env.put(CLOEXEC_ENV, j.toString());
                if (cloexecPreload != null) {
                    String prior = env.get("LD_PRELOAD");
                    env.put("LD_PRELOAD", prior == null || prior.isEmpty() ? cloexecPreload : cloexecPreload + ":" + prior);
                }
            }
            List<byte[]> envBytes = new ArrayList<>();
            env.forEach((k, v) -> envBytes.add((k + "=" + v).getBytes(StandardCharsets.UTF_8)));

            int[] pid = new int[1];
            int rc = spawnWithFdLimit(fdLimit, () -> C.posix_spawnp(pid, nulTerminated(argv.get(0)), actions, attr,
                    stringArray(argv, keepAlive), stringArray(envBytes, keepAlive)));
            if (rc != 0) throw new SysException("cannot run " + new String(argv.get(0), StandardCharsets.UTF_8), rc);
            return new SpawnedTask(task.pid(), pid[0], deferred);
        } finally {
            C.posix_spawn_file_actions_destroy(actions);
            C.posix_spawnattr_destroy(attr);
            keepAlive.clear();
        }
    }

    /**
     * Runs a spawn with the process's soft fd limit set to {@code fdLimit}: posix_spawn has no
     * attribute for resource limits and the child inherits the parent's at clone time, so the
     * limit is lowered around the call (a few milliseconds) and put back at once. The limit is
     * process-wide, hence the lock: one spawn at a time in this JVM. The child's dup2 targets are
     * all below the limit, and the restorer's copies may sit above it (only a new fd's number is
     * checked against the limit). Another thread of this JVM opening a file during the call finds
     * a number only below the lowered limit; the restore CLI runs none that do.
     */
    private static int spawnWithFdLimit(long fdLimit, java.util.function.IntSupplier spawn) throws SysException {
        synchronized (FD_LIMIT_LOCK) {
            long before = Sys.nofileLimit()[0];
            if (fdLimit <= 0 || fdLimit == before) return spawn.getAsInt();
            Sys.setNofileSoft(fdLimit);
            try {
                return spawn.getAsInt();
            } finally {
                Sys.setNofileSoft(before);
            }
        }
    }

    /** Waits for a spawned COMMAND; @return its wait status as waitpid(2) gives it */
    public static int waitFor(int pid) throws SysException {
        int[] status = new int[1];
        while (C.waitpid(pid, status, 0) < 0) {
            int e = Sys.errno();
            if (e != 4) throw new SysException("waitpid " + pid, e); // 4 = EINTR
        }
        return status[0];
    }

    private Pointer stringArray(List<byte[]> items, List<Object> keepAlive) {
        Pointer array = Memory.allocateDirect(rt, (items.size() + 1) * 8L, true);
        for (int i = 0; i < items.size(); i++) {
            byte[] b = items.get(i);
            Pointer s = Memory.allocateDirect(rt, b.length + 1, true);
            s.put(0, b, 0, b.length);
            s.putByte(b.length, (byte) 0);
            keepAlive.add(s);
            array.putAddress(i * 8L, s.address());
        }
        array.putAddress(items.size() * 8L, 0);
        keepAlive.add(array);
        return array;
    }

    private static byte[] nulTerminated(byte[] b) {
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    private static void check(int rc, String what) throws SysException {
        if (rc != 0) throw new SysException(what, rc);
    }
}
