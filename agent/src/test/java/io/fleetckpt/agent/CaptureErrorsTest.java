package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.agent.testing.CaptureMain;
import io.fleetckpt.agent.testing.Fixture;
import io.fleetckpt.agent.testing.OtherUser;
import io.fleetckpt.agent.testing.SyscallsProxy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fleetckpt.agent.testing.Captures.assumeRoot;
import static io.fleetckpt.agent.testing.Captures.request;
import static io.fleetckpt.agent.testing.Captures.task;
import static io.fleetckpt.agent.testing.Captures.tempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tasks that cannot be captured are reported by pid, and the others are still captured. */
class CaptureErrorsTest {
    @Test
    void processExitingDuringCaptureIsReportedOthersCaptured() throws Exception {
        assumeRoot();
        try (Fixture doomed = Fixture.start("many", "200"); Fixture fine = Fixture.start("many", "200")) {
            CaptureListener killAfterFreeze = (phase, pids) -> {
                if (phase == CaptureListener.Phase.FROZEN) {
                    // SIGKILL ends even a frozen task (cgroup v2)
                    Syscalls.system().kill(doomed.pid, Syscalls.SIGKILL);
                    try {
                        doomed.process.waitFor();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            CaptureResult r;
            try (Capturer c = new Capturer(Syscalls.system())) {
                r = c.capture(request(tempDir("state"), new Selector.Pid(doomed.pid), new Selector.Pid(fine.pid))
                        .withListener(killAfterFreeze));
            }
            assertTrue(r.partial());
            assertEquals(1, r.tasks().size(), "only the survivor is in the result");
            assertEquals(200, task(r, fine.pid).fds().size());
            TaskError e = r.errors().get(0);
            assertEquals(doomed.pid, e.pid());
            assertEquals(TaskError.Kind.EXITED, e.kind(), e.toString());
        }
    }

    /**
     * A zombie child in a --tree has exited already: passed over, not a partial capture (it
     * was "process exited before the capture", exit 1, on every tree with an unreaped child).
     * Named with --pid, it is still an error.
     */
    @Test
    void aZombieInATreeIsPassedOverButNamedIsAnError() throws Exception {
        assumeRoot();
        try (Fixture f = Fixture.start("many", "10"); Capturer c = new Capturer(Syscalls.system())) {
            int kid = f.fork();
            Syscalls.system().kill(kid, Syscalls.SIGKILL); // the fixture does not reap it until EOF
            for (int i = 0; i < 2000 && io.fleetckpt.agent.select.ProcStatAccess.state(kid) != 'Z'; i++) Thread.sleep(1);
            assertEquals('Z', io.fleetckpt.agent.select.ProcStatAccess.state(kid));
            CaptureResult tree = c.capture(request(tempDir("state"), new Selector.Tree(f.pid)));
            assertEquals(List.of(), tree.errors());
            assertEquals(List.of(f.pid), tree.tasks().stream().map(t -> t.pid()).toList());
            CaptureResult named = c.capture(request(tempDir("state"), new Selector.Pid(kid), new Selector.Pid(f.pid)));
            assertEquals(List.of(TaskError.task(kid, TaskError.Kind.EXITED, "process exited before the capture")), named.errors());
        }
    }

    @Test
    void missingPidIsNamed() throws Exception {
        assumeRoot();
        try (Fixture fine = Fixture.start("many", "10"); Capturer c = new Capturer(Syscalls.system())) {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            int gone = (int) p.pid();
            CaptureResult r = c.capture(request(tempDir("state"), new Selector.Pid(gone), new Selector.Pid(fine.pid)));
            assertTrue(r.partial());
            assertEquals(List.of(new TaskError(gone, -1, TaskError.Kind.NOT_FOUND, "no such process")), r.errors());
            assertEquals(10, task(r, fine.pid).fds().size());
        }
    }

    /**
     * kthreadd (pid 2) has no fd table and no cgroup takes it: it used to be "captured" with 0
     * fds and reported frozen while its move into the freezer cgroup had failed. Named, it is an
     * error; matched by comm, it is passed over.
     */
    @Test
    void kernelThreadsAreNeverCaptured() throws Exception {
        assumeRoot();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.readString(java.nio.file.Path.of("/proc/2/comm")).trim().equals("kthreadd"), "pid 2 is not kthreadd here");
        try (Fixture fine = Fixture.start("many", "10"); Capturer c = new Capturer(Syscalls.system())) {
            CaptureResult r = c.capture(request(tempDir("state"), new Selector.Pid(2), new Selector.Pid(fine.pid),
                    new Selector.Comm(java.util.regex.Pattern.compile("^kthreadd$"))));
            assertEquals(List.of(new TaskError(2, -1, TaskError.Kind.NOT_FOUND, "a kernel thread: it has no fd table to capture")),
                    r.errors());
            assertEquals(List.of(fine.pid), r.tasks().stream().map(t -> t.pid()).toList());
            CaptureResult byComm = c.capture(request(tempDir("state"), new Selector.Comm(java.util.regex.Pattern.compile("^kthreadd$"))));
            assertEquals(List.of(), byComm.tasks());
            assertEquals(List.of(), byComm.errors());
            assertEquals(List.of("no process matched --comm ^kthreadd$"), matchedNone(byComm), "nothing it matched can be captured");
        }
    }

    private static List<String> matchedNone(CaptureResult r) {
        return r.notes().stream().filter(n -> n.startsWith("no process matched")).toList();
    }

    /** Nothing named is missing, so not partial; but "nothing captured" alone did not say why. */
    @Test
    void aCommThatMatchesNoProcessIsNotedNotAnError() throws Exception {
        assumeRoot();
        try (Fixture fine = Fixture.start("many", "10"); Capturer c = new Capturer(Syscalls.system())) {
            java.util.regex.Pattern none = java.util.regex.Pattern.compile("^no-such-comm-xyz$");
            CaptureResult r = c.capture(request(tempDir("state"), new Selector.Pid(fine.pid), new Selector.Comm(none)));
            assertFalse(r.partial(), r.errors().toString());
            assertEquals(List.of("no process matched --comm ^no-such-comm-xyz$"), matchedNone(r));
        }
    }

    /**
     * A thread that unshared its fd table: /proc/PID/fd shows the leader's table only, so the
     * process used to be "captured" without the thread's fds and exit 0. Now it is left out with
     * an error naming the thread, frozen or not, and the other process is still captured.
     */
    @Test
    void aThreadWithAnFdTableOfItsOwnIsNamedNotSilentlyLost() throws Exception {
        assumeRoot();
        try (Fixture odd = Fixture.start("threadtable"); Fixture fine = Fixture.start("many", "10");
             Capturer c = new Capturer(Syscalls.system())) {
            assertTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc", Integer.toString(odd.pid), "task",
                    Integer.toString(odd.child))), "CHILD is a thread of the fixture");
            String kcmp = Fixture.oracle("", "kcmpfiles", Integer.toString(odd.pid), Integer.toString(odd.child)).get(0);
            assertTrue(kcmp.equals("1") || kcmp.equals("2"), "the oracle: the thread's table is another one: " + kcmp);
            for (boolean freeze : new boolean[] {true, false}) {
                CaptureResult r = c.capture(request(tempDir("state"), new Selector.Pid(odd.child), new Selector.Pid(fine.pid))
                        .withFreeze(freeze));
                assertEquals(1, r.errors().size(), r.errors().toString());
                TaskError e = r.errors().get(0);
                assertEquals(odd.pid, e.pid());
                assertEquals(TaskError.Kind.THREAD_TABLE, e.kind());
                assertTrue(e.what().startsWith("thread " + odd.child + " has an fd table of its own"), e.what());
                assertEquals(List.of(fine.pid), r.tasks().stream().map(t -> t.pid()).toList());
            }
        }
    }

    @Test
    void unfrozenCaptureAgreesWithFrozenOneAndSaysSo() throws Exception {
        assumeRoot();
        try (Fixture f = Fixture.start("many", "3000"); Capturer c = new Capturer(Syscalls.system())) {
            CaptureResult frozen = c.capture(request(tempDir("state"), new Selector.Pid(f.pid)));
            CaptureResult live = c.capture(request(tempDir("state"), new Selector.Pid(f.pid)).withFreeze(false));
            assertTrue(frozen.frozen());
            assertFalse(live.frozen(), "marked not frozen");
            assertTrue(live.scans() >= 2, "two scans that agree");
            assertEquals(List.of(), live.errors());
            assertEquals(1, live.tasks().size());
            assertTrue(frozen.tasks().get(0).fds().equals(live.tasks().get(0).fds()), "same fds, same objrefs");
        }
    }

    /**
     * A syscall layer that, as each scan starts listing {@code f}'s table (the first getdents64
     * of a /proc/PID/fd directory), has the fixture close one more of its fds, for the first
     * {@code changes} scans: a real table changing between scans, at exactly known moments.
     */
    private static Syscalls closingOneFdPerScan(Fixture f, int changes, List<Integer> closed) {
        byte[] dir = ("/proc/" + f.pid + "/fd").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.Set<Integer> fresh = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Syscalls real = Syscalls.system();
        return SyscallsProxy.around(real, (m, args) -> {
            switch (m.getName()) {
                case "open" -> {
                    byte[] p = (byte[]) args[0];
                    int len = p.length > 0 && p[p.length - 1] == 0 ? p.length - 1 : p.length;
                    if (java.util.Arrays.equals(p, 0, len, dir, 0, dir.length)) {
                        int fd = real.open(p, (int) args[1]);
                        if (fd >= 0) fresh.add(fd);
                        return fd;
                    }
                }
                case "close" -> fresh.remove((Integer) args[0]);
                case "getdents64" -> {
                    if (fresh.remove((Integer) args[0])) {
                        synchronized (closed) {
                            if (closed.size() < changes) {
                                int victim = 150 + closed.size();
                                f.closeFd(victim);
                                closed.add(victim);
                            }
                        }
                    }
                }
                default -> {
                }
            }
            return SyscallsProxy.PASS;
        });
    }

    /**
     * --no-freeze scans until two consecutive scans agree: a table that changed during the first
     * three scans is captured at the fourth, as it is then; one that changes at every scan is
     * given up after the bound with an error that says so, and the other task is captured.
     */
    @Test
    void unfrozenCaptureRescansAChangingTableAndNamesOneThatNeverSettles() throws Exception {
        assumeRoot();
        try (Fixture settling = Fixture.start("many", "200"); Fixture restless = Fixture.start("many", "200");
             Fixture fine = Fixture.start("many", "10")) {
            List<Integer> closed = new java.util.ArrayList<>();
            CaptureResult r;
            try (Capturer c = new Capturer(closingOneFdPerScan(settling, 3, closed))) {
                r = c.capture(request(tempDir("state"), new Selector.Pid(settling.pid)).withFreeze(false));
            }
            assertEquals(List.of(150, 151, 152), closed, "changed at scans 1, 2 and 3");
            assertFalse(r.frozen());
            assertEquals(List.of(), r.errors());
            assertEquals(4, r.scans(), "scan 4 agrees with scan 3");
            List<Integer> fds = task(r, settling.pid).fds().stream().map(io.fleetckpt.agent.capture.CapturedFd::fd).toList();
            assertEquals(List.copyOf(io.fleetckpt.agent.testing.ProcOracle.fds(settling.pid)), fds, "the table as it settled");
            assertEquals(197, fds.size());

            List<Integer> closedEveryScan = new java.util.ArrayList<>();
            try (Capturer c = new Capturer(closingOneFdPerScan(restless, Integer.MAX_VALUE, closedEveryScan))) {
                r = c.capture(request(tempDir("state"), new Selector.Pid(restless.pid), new Selector.Pid(fine.pid)).withFreeze(false));
            }
            assertEquals(CaptureRequest.MAX_UNFROZEN_SCANS, closedEveryScan.size(), "one change per scan");
            assertEquals(CaptureRequest.MAX_UNFROZEN_SCANS, r.scans());
            assertTrue(r.partial());
            assertEquals(List.of(TaskError.task(restless.pid, TaskError.Kind.UNSTABLE, "fd table kept changing: "
                    + CaptureRequest.MAX_UNFROZEN_SCANS + " scans without two that agree (capture it frozen)")), r.errors());
            assertEquals(List.of(fine.pid), r.tasks().stream().map(t -> t.pid()).toList(), "the steady task is captured");
            assertEquals(10, task(r, fine.pid).fds().size());
        }
    }

    /**
     * An unprivileged capture (nobody, in a JVM of its own) of one of its own processes and one
     * of root's: the kernel refuses root's fd table, which is a per-task permission error naming
     * the pid, and nobody's own process is still captured completely.
     */
    @Test
    void permissionDeniedIsATaskErrorAndTheOtherTaskIsCaptured() throws Exception {
        assumeRoot();
        OtherUser.assumeAvailable();
        java.nio.file.Path tmp = tempDir("asuser");
        java.nio.file.Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        java.nio.file.Path state = java.nio.file.Files.createDirectory(tmp.resolve("state"));
        java.nio.file.Files.setAttribute(state, "unix:uid", OtherUser.NOBODY);
        try (Fixture mine = Fixture.startUnder(OtherUser.asNobody(List.of()), "many", "12");
             Fixture roots = Fixture.start("many", "10")) {
            assertEquals(OtherUser.NOBODY, java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc", Integer.toString(mine.pid)), "unix:uid"));
            Process p = new ProcessBuilder(OtherUser.asNobody(OtherUser.java(tmp.resolve("cp"), CaptureMain.class,
                    state.toString(), Integer.toString(mine.pid), Integer.toString(roots.pid))))
                    .redirectError(tmp.resolve("stderr").toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out + java.nio.file.Files.readString(tmp.resolve("stderr")));
            List<String> lines = out.lines().toList();
            String fds = io.fleetckpt.agent.testing.ProcOracle.fds(mine.pid).stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(","));
            assertEquals(List.of("TASK " + mine.pid + " " + fds), lines.stream().filter(l -> l.startsWith("TASK ")).toList(), out);
            assertEquals(12, fds.split(",").length);
            List<String> errors = lines.stream().filter(l -> l.startsWith("ERROR ")).toList();
            assertEquals(List.of("ERROR " + roots.pid + " -1 PERMISSION /proc/" + roots.pid + "/fd: EACCES (permission denied)"), errors, out);
            // nobody can neither move root's process into a cgroup nor stop it: captured unfrozen, and said so
            assertEquals("FROZEN false", lines.get(0), out);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("NOTE freeze failed") && l.contains("pid " + roots.pid)), out);
            for (Fixture f : List.of(mine, roots)) {
                char st = io.fleetckpt.agent.select.ProcStatAccess.state(f.pid);
                for (int i = 0; i < 200 && st != 'S'; i++) {
                    Thread.sleep(10);
                    st = io.fleetckpt.agent.select.ProcStatAccess.state(f.pid);
                }
                assertEquals('S', st, "pid " + f.pid + " runs (not left stopped)");
            }
        }
    }

    /**
     * An fd the kernel refuses to show while the rest of the table reads (what a task that
     * changed its credentials mid-scan gives; not something a test can time, so EACCES is
     * injected for one fd's fdinfo): the task's error names the pid and the fd, never a table
     * short of that fd, and the other task is captured.
     */
    @Test
    void oneRefusedFdIsNamedAndItsTaskNotCapturedShort() throws Exception {
        assumeRoot();
        try (Fixture odd = Fixture.start("many", "20"); Fixture fine = Fixture.start("many", "10")) {
            java.util.Map<Integer, Integer> infoDirs = new java.util.concurrent.ConcurrentHashMap<>();
            byte[] oddInfo = ("/proc/" + odd.pid + "/fdinfo").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Syscalls real = Syscalls.system();
            Syscalls refusing = SyscallsProxy.around(real, (m, args) -> {
                if (m.getName().equals("open")) {
                    byte[] p = (byte[]) args[0];
                    if (p.length == oddInfo.length + 1 && java.util.Arrays.equals(p, 0, oddInfo.length, oddInfo, 0, oddInfo.length)) {
                        int fd = real.open(p, (int) args[1]);
                        if (fd >= 0) infoDirs.put(fd, odd.pid);
                        return fd;
                    }
                } else if (m.getName().equals("close")) {
                    infoDirs.remove((Integer) args[0]);
                } else if (m.getName().equals("openat") && infoDirs.containsKey((Integer) args[0])) {
                    byte[] n = (byte[]) args[1];
                    if (n.length >= 2 && n[0] == '7' && n[1] == 0) return -io.fleetckpt.agent.sys.Errno.EACCES;
                }
                return SyscallsProxy.PASS;
            });
            CaptureResult r;
            try (Capturer c = new Capturer(refusing)) {
                r = c.capture(request(tempDir("state"), new Selector.Pid(odd.pid), new Selector.Pid(fine.pid)));
            }
            assertTrue(r.partial());
            assertEquals(List.of(new TaskError(odd.pid, 7, TaskError.Kind.PERMISSION,
                    "read /proc/" + odd.pid + "/fdinfo/7: EACCES (permission denied)")), r.errors());
            assertEquals(List.of(fine.pid), r.tasks().stream().map(t -> t.pid()).toList());
            assertEquals(10, task(r, fine.pid).fds().size());
        }
    }
}
