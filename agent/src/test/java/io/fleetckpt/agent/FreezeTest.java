package io.fleetckpt.agent;

import io.fleetckpt.agent.freeze.CgroupMounts;
import io.fleetckpt.agent.freeze.FreezeLedger;
import io.fleetckpt.agent.freeze.FreezeMethod;
import io.fleetckpt.agent.select.ProcStatAccess;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.agent.testing.Fixture;
import io.fleetckpt.agent.testing.SyscallsProxy;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.fleetckpt.agent.testing.Captures.assumeRoot;
import static io.fleetckpt.agent.testing.Captures.request;
import static io.fleetckpt.agent.testing.Captures.task;
import static io.fleetckpt.agent.testing.Captures.tempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The freezer's promises: what the user froze stays frozen, stopped stays stopped, leftovers are thawed. */
class FreezeTest {
    private static final Path V2 = Path.of("/sys/fs/cgroup/unified");

    private static Path userCgroup(String name) throws Exception {
        CgroupMounts m = CgroupMounts.detect();
        org.junit.jupiter.api.Assumptions.assumeTrue(m.v2() != null, "no cgroup v2 mount");
        Path cg = m.v2().resolve("fleetckpt-test-" + name + "-" + ProcessHandle.current().pid());
        Files.createDirectories(cg);
        return cg;
    }

    private static boolean v2Frozen(Path cg) throws Exception {
        return Files.readString(cg.resolve("cgroup.events")).contains("frozen 1");
    }

    private static void awaitV2(Path cg, boolean frozen) throws Exception {
        for (int i = 0; i < 2000 && v2Frozen(cg) != frozen; i++) Thread.sleep(1);
        assertEquals(frozen, v2Frozen(cg));
    }

    @Test
    void cgroupTheUserFrozeStaysFrozen() throws Exception {
        assumeRoot();
        Path cg = userCgroup("userfrozen");
        Path root = CgroupMounts.detect().v2();
        try (Fixture f = Fixture.start("many", "50")) {
            Files.writeString(cg.resolve("cgroup.procs"), Integer.toString(f.pid));
            Files.writeString(cg.resolve("cgroup.freeze"), "1");
            awaitV2(cg, true);
            try (Capturer c = new Capturer(Syscalls.system())) {
                CaptureResult byPid = c.capture(request(tempDir("state"), new Selector.Pid(f.pid)));
                assertEquals(List.of(), byPid.errors());
                assertEquals(List.of(f.pid), byPid.alreadyFrozen());
                assertEquals(FreezeMethod.ALREADY_FROZEN, byPid.method());
                assertEquals(50, task(byPid, f.pid).fds().size());
                CaptureResult byCgroup = c.capture(request(tempDir("state"), new Selector.Cgroup(cg.toString())));
                assertEquals(List.of(f.pid), byCgroup.alreadyFrozen());
                assertEquals(50, task(byCgroup, f.pid).fds().size());
            }
            assertTrue(v2Frozen(cg), "still frozen after the captures");
            assertEquals("1", Files.readString(cg.resolve("cgroup.freeze")).trim());
            assertTrue(Files.readString(cg.resolve("cgroup.procs")).contains(Integer.toString(f.pid)), "not moved");
            Files.writeString(cg.resolve("cgroup.freeze"), "0");
            Files.writeString(root.resolve("cgroup.procs"), Integer.toString(f.pid));
        } finally {
            Files.writeString(cg.resolve("cgroup.freeze"), "0");
            Files.deleteIfExists(cg);
        }
    }

    @Test
    void selectedCgroupIsFrozenInPlaceAndThawed() throws Exception {
        assumeRoot();
        Path cg = userCgroup("inplace");
        Path root = CgroupMounts.detect().v2();
        try (Fixture f = Fixture.start("many", "20")) {
            Files.writeString(cg.resolve("cgroup.procs"), Integer.toString(f.pid));
            CaptureResult r;
            try (Capturer c = new Capturer(Syscalls.system())) {
                r = c.capture(request(tempDir("state"), new Selector.Cgroup(cg.toString())));
            }
            assertEquals(List.of(), r.errors());
            assertTrue(r.frozen());
            assertEquals(FreezeMethod.CGROUP_V2, r.method());
            assertEquals(List.of(), r.alreadyFrozen());
            assertFalse(v2Frozen(cg), "thawed again");
            assertTrue(Files.readString(cg.resolve("cgroup.procs")).contains(Integer.toString(f.pid)));
            Files.writeString(root.resolve("cgroup.procs"), Integer.toString(f.pid));
        } finally {
            Files.deleteIfExists(cg);
        }
    }

    @Test
    void cgroupV1FreezerWhenThereIsNoV2() throws Exception {
        assumeRoot();
        CgroupMounts m = CgroupMounts.detect();
        org.junit.jupiter.api.Assumptions.assumeTrue(m.v1Freezer() != null, "no v1 freezer mounted");
        try (Fixture f = Fixture.start("many", "30")) {
            String before = Files.readString(Path.of("/proc", Integer.toString(f.pid), "cgroup"));
            CaptureResult r;
            try (Capturer c = new Capturer(Syscalls.system(), new CgroupMounts(null, m.v1Freezer()))) {
                r = c.capture(request(tempDir("state"), new Selector.Pid(f.pid)));
            }
            assertEquals(List.of(), r.errors());
            assertEquals(FreezeMethod.CGROUP_V1, r.method());
            assertEquals(30, task(r, f.pid).fds().size());
            assertEquals(before, Files.readString(Path.of("/proc", Integer.toString(f.pid), "cgroup")), "back in its freezer cgroup");
            f.closeFd(5);
        }
    }

    /** Makes the fixture fork right after the selection was made, before anything is frozen. */
    private static CaptureListener forkAfterSelection(Fixture f, int[] child) {
        return (phase, pids) -> {
            if (phase == CaptureListener.Phase.SELECTED) {
                try {
                    child[0] = f.fork();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }

    @Test
    void treeChildForkedAfterSelectionIsFrozenAndCaptured() throws Exception {
        assumeRoot();
        try (Fixture f = Fixture.start("many", "40")) {
            int[] child = {0};
            CaptureListener forkNow = forkAfterSelection(f, child);
            CaptureResult r;
            try (Capturer c = new Capturer(Syscalls.system())) {
                r = c.capture(request(tempDir("state"), new Selector.Tree(f.pid)).withListener(forkNow));
            }
            assertEquals(List.of(), r.errors());
            assertEquals(List.of(f.pid, child[0]), r.tasks().stream().map(t -> t.pid()).toList(), "the late child is in the TREE");
            assertEquals(task(r, f.pid).fds().stream().map(x -> x.objref()).toList(),
                    task(r, child[0]).fds().stream().map(x -> x.objref()).toList(), "it shares every description");
            assertFalse(Files.readString(Path.of("/proc", Integer.toString(child[0]), "cgroup")).contains("fleetckpt-"),
                    "moved back out of the agent's cgroup");
        }
    }

    @Test
    void processJoiningASelectedCgroupIsCaptured() throws Exception {
        assumeRoot();
        Path cg = userCgroup("joining");
        Path root = CgroupMounts.detect().v2();
        try (Fixture f = Fixture.start("many", "12")) {
            Files.writeString(cg.resolve("cgroup.procs"), Integer.toString(f.pid));
            int[] child = {0};
            CaptureListener forkNow = forkAfterSelection(f, child);
            CaptureResult r;
            try (Capturer c = new Capturer(Syscalls.system())) {
                r = c.capture(request(tempDir("state"), new Selector.Cgroup(cg.toString())).withListener(forkNow));
            }
            assertEquals(List.of(), r.errors());
            assertEquals(2, r.tasks().size());
            assertEquals(12, task(r, child[0]).fds().size());
            for (String p : Files.readAllLines(cg.resolve("cgroup.procs"))) Files.writeString(root.resolve("cgroup.procs"), p);
        } finally {
            Files.deleteIfExists(cg);
        }
    }

    @Test
    void notACgroupIsNamed() throws Exception {
        assumeRoot();
        try (Capturer c = new Capturer(Syscalls.system())) {
            CaptureResult r = c.capture(request(tempDir("state"), new Selector.Cgroup("/tmp")));
            assertEquals(1, r.errors().size());
            // no task to name: the selector is named, not "pid 0"
            assertEquals("--cgroup /tmp: not_found: no such cgroup", r.errors().get(0).toString());
            assertEquals("--cgroup /tmp", r.errors().get(0).selector());
        }
    }

    /** The state file is written before anything is made: a bad --state-dir left an empty cgroup of the agent's behind. */
    @Test
    void aStateDirThatCannotBeWrittenLeavesNothingBehind() throws Exception {
        assumeRoot();
        Path notADir = Files.writeString(tempDir("state").resolve("a-file"), "x");
        String mine = "fleetckpt-" + ProcessHandle.current().pid() + "-";
        try (Fixture f = Fixture.start("many", "10"); Capturer c = new Capturer(Syscalls.system())) {
            String before = Files.readString(Path.of("/proc", Integer.toString(f.pid), "cgroup"));
            var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> c.capture(request(notADir, new Selector.Pid(f.pid))));
            assertEquals("state dir " + notADir + ": cannot keep the freeze state file there (a file is in the way);"
                    + " nothing was frozen", e.getMessage());
            assertEquals(before, Files.readString(Path.of("/proc", Integer.toString(f.pid), "cgroup")));
            try (var l = Files.list(CgroupMounts.detect().v2())) {
                assertTrue(l.noneMatch(p -> p.getFileName().toString().startsWith(mine)), "no cgroup of the agent's left");
            }
        }
    }

    /** A hierarchy's root has no freeze control (the capture failed on its missing cgroup.freeze). */
    @Test
    void aRootCgroupIsRefusedBeforeAnythingIsFrozen() throws Exception {
        assumeRoot();
        CgroupMounts m = CgroupMounts.detect();
        for (Path root : new Path[] {m.v2(), m.v1Freezer()}) {
            if (root == null) continue;
            try (Capturer c = new Capturer(Syscalls.system())) {
                CaptureResult r = c.capture(request(tempDir("state"), new Selector.Cgroup(root.toString())));
                assertEquals(List.of(), r.tasks());
                assertEquals(1, r.errors().size(), r.errors().toString());
                assertEquals("--cgroup " + root + ": not_found: the root of its hierarchy, which cannot be frozen: name a cgroup below it",
                        r.errors().get(0).toString());
                assertFalse(r.frozen());
            }
        }
    }

    @Test
    void sigstopFallbackNeverResumesWhatWasStopped() throws Exception {
        assumeRoot();
        Syscalls sys = Syscalls.system();
        try (Fixture running = Fixture.start("many", "10"); Fixture stopped = Fixture.start("many", "10")) {
            assertEquals(0, sys.kill(stopped.pid, Syscalls.SIGSTOP));
            for (int i = 0; i < 2000 && ProcStatAccess.state(stopped.pid) != 'T'; i++) Thread.sleep(1);
            CaptureResult r;
            try (Capturer c = new Capturer(sys, new CgroupMounts(null, null))) {
                r = c.capture(request(tempDir("state"), new Selector.Pid(running.pid), new Selector.Pid(stopped.pid)));
            }
            assertEquals(List.of(), r.errors());
            assertEquals(FreezeMethod.SIGSTOP, r.method());
            assertEquals(List.of(stopped.pid), r.alreadyFrozen());
            assertEquals(10, task(r, running.pid).fds().size());
            assertEquals(10, task(r, stopped.pid).fds().size());
            for (int i = 0; i < 2000 && ProcStatAccess.state(running.pid) == 'T'; i++) Thread.sleep(1);
            try {
                assertNotEquals('T', ProcStatAccess.state(running.pid), "resumed");
                assertEquals('T', ProcStatAccess.state(stopped.pid), "a task the user stopped stays stopped");
            } finally {
                sys.kill(stopped.pid, Syscalls.SIGCONT);
            }
        }
    }

    /**
     * A live process the freezer cgroup refuses (here kthreadd, whose move fails with EINVAL; the
     * selector never picks it, the freezer is handed it directly) is not counted as frozen: it is
     * sent SIGSTOP instead, and as kthreadd ignores signals the bounded wait names it. The task
     * that was moved goes back where it was.
     */
    @Test
    void aProcessTheCgroupRefusesIsNotTakenForFrozen() throws Exception {
        assumeRoot();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.readString(Path.of("/proc/2/comm")).trim().equals("kthreadd"),
                "pid 2 is not kthreadd here");
        CgroupMounts m = CgroupMounts.detect();
        org.junit.jupiter.api.Assumptions.assumeTrue(m.v2() != null, "no cgroup v2 mount");
        Path state = tempDir("state");
        try (Fixture f = Fixture.start("many", "10")) {
            String before = Files.readString(Path.of("/proc", Integer.toString(f.pid), "cgroup"));
            java.util.Map<Integer, io.fleetckpt.agent.select.ProcStat> stats = java.util.Map.of(
                    2, io.fleetckpt.agent.select.ProcStat.read(2), f.pid, io.fleetckpt.agent.select.ProcStat.read(f.pid));
            var sel = new io.fleetckpt.agent.select.Selection(List.of(2, f.pid), stats, List.of(), List.of(), java.util.Set.of(), List.of());
            var freezer = new io.fleetckpt.agent.freeze.Freezer(Syscalls.system(), m, state, (int) ProcessHandle.current().pid(),
                    java.time.Duration.ofMillis(300));
            var e = org.junit.jupiter.api.Assertions.assertThrows(io.fleetckpt.agent.freeze.FreezeTimeout.class, () -> freezer.freeze(sel));
            assertTrue(e.getMessage().contains("pid 2"), e.getMessage());
            assertEquals(before, Files.readString(Path.of("/proc", Integer.toString(f.pid), "cgroup")), "moved back");
            try (var l = Files.list(state)) {
                assertEquals(0, l.count(), "everything undone");
            }
            f.closeFd(9); // answers only if it runs
        }
    }

    /**
     * SIGSTOP refused (what an unprivileged agent gets for another user's process; root cannot
     * be refused, so the kernel's answer is injected here): the freeze gives up at once and says
     * why, rather than waiting out the bound (set to a minute here) for a task that never stops.
     */
    @Test
    void sigstopRefusedIsSaidAtOnce() throws Exception {
        assumeRoot();
        Syscalls refusing = SyscallsProxy.around(Syscalls.system(), (m, args) ->
                m.getName().equals("kill") && (int) args[1] == Syscalls.SIGSTOP ? -io.fleetckpt.agent.sys.Errno.EPERM : SyscallsProxy.PASS);
        try (Fixture f = Fixture.start("many", "10");
             Capturer c = new Capturer(refusing, new CgroupMounts(null, null))) {
            CaptureResult r = c.capture(request(tempDir("state"), new Selector.Pid(f.pid))
                    .withFreezeTimeout(java.time.Duration.ofMinutes(1)));
            assertFalse(r.frozen());
            assertTrue(r.notes().stream().anyMatch(n -> n.contains("cannot stop pid " + f.pid + ": SIGSTOP: EPERM")), r.notes().toString());
            assertEquals(10, task(r, f.pid).fds().size(), "captured without freezing");
        }
    }

    @Test
    void nextStartThawsWhatADeadAgentLeftFrozen() throws Exception {
        assumeRoot();
        Path state = tempDir("state");
        Path cg = userCgroup("leftover");
        Path root = CgroupMounts.detect().v2();
        try (Fixture f = Fixture.start("many", "10")) {
            // An agent that died while f was frozen in its cgroup: a process that has exited.
            Process dead = new ProcessBuilder("true").start();
            dead.waitFor();
            long start = Long.parseLong(Files.readString(Path.of("/proc", Long.toString(f.pid), "stat"))
                    .substring(Files.readString(Path.of("/proc", Long.toString(f.pid), "stat")).lastIndexOf(')') + 2)
                    .split(" ")[19]);
            Files.writeString(state.resolve("freeze-" + dead.pid() + ".state"), String.join("\n",
                    "owner " + dead.pid() + " 1",
                    "created v2 " + cg,
                    "moved " + f.pid + " " + start + " " + root.resolve("cgroup.procs")) + "\n");
            Files.writeString(cg.resolve("cgroup.freeze"), "1");
            Files.writeString(cg.resolve("cgroup.procs"), Integer.toString(f.pid));
            awaitV2(cg, true);

            List<String> report = FreezeLedger.recover(state, Syscalls.system(), (int) ProcessHandle.current().pid());
            assertTrue(report.stream().anyMatch(l -> l.contains("moved pid " + f.pid)), report.toString());
            assertFalse(Files.exists(cg), "the dead agent's cgroup was removed");
            assertTrue(Files.readString(Path.of("/proc", Integer.toString(f.pid), "cgroup")).contains("0::/\n"), "back in its own cgroup");
            for (int i = 0; i < 2000 && ProcStatAccess.state(f.pid) != 'S'; i++) Thread.sleep(1);
            assertEquals('S', ProcStatAccess.state(f.pid));
            try (var l = Files.list(state)) {
                assertEquals(0, l.count(), "state file consumed");
            }
        } finally {
            if (Files.exists(cg)) {
                Files.writeString(cg.resolve("cgroup.freeze"), "0");
                for (String p : Files.readAllLines(cg.resolve("cgroup.procs"))) Files.writeString(root.resolve("cgroup.procs"), p);
                Files.deleteIfExists(cg);
            }
        }
    }
}
