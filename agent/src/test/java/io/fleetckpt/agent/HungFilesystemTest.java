package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.StatCall;
import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.StatLayout;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.agent.testing.Fixture;
import io.fleetckpt.agent.testing.FuseHang;
import io.fleetckpt.agent.testing.ProcOracle;
import io.fleetckpt.format.model.FdType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.nio.file.Path;

import static io.fleetckpt.agent.testing.Captures.fd;
import static io.fleetckpt.agent.testing.Captures.request;
import static io.fleetckpt.agent.testing.Captures.task;
import static io.fleetckpt.agent.testing.Captures.tempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process holding a file of a FUSE filesystem whose daemon stopped answering stat (a real
 * mount, src/test/c/fusehang.c): the capture must neither hang nor leave the process frozen.
 * With cached attributes (statx, the default) nothing blocks. With fstatat, which is what a
 * filesystem that ignores AT_STATX_DONT_SYNC does to every stat, the call really blocks, and the
 * frozen-window bound must end it: the stuck task fails by pid and fd, the others are captured,
 * everything is thawed while the abandoned thread is still blocked in the kernel.
 */
class HungFilesystemTest {
    /** How long a test waits before it calls a capture hung; never reached when the capture works. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    /**
     * The premise: on this mount a plain stat of the holder's fd blocks. It is released when the
     * daemon ends (ENOTCONN), at the latest by FuseHang.close().
     */
    private static void assertPlainStatBlocks(FuseHang fuse) throws Exception {
        byte[] name = ("/proc/" + fuse.holderPid() + "/fd/3\0").getBytes();
        CompletableFuture<Integer> stat = CompletableFuture.supplyAsync(
                () -> Syscalls.system().fstatat(-100, name, new byte[StatLayout.SIZE], 0), daemonThread());
        assertThrows(TimeoutException.class, () -> stat.get(1, TimeUnit.SECONDS), "fstatat of the FUSE file should block");
    }

    private static java.util.concurrent.Executor daemonThread() {
        return r -> {
            Thread t = new Thread(r, "blocked-fstatat");
            t.setDaemon(true);
            t.start();
        };
    }

    /**
     * A thread stuck in a stat must not hold up the rest of the JVM. With the buffers pinned
     * (jnr-ffi's @Pinned: a JNI critical region for the whole call) a pending garbage
     * collection waited for the stuck thread, and every thread that then allocated or pinned an
     * array waited for the collection: the capture that should have given the stat up hung too.
     */
    @Test
    void aThreadBlockedInAStatDoesNotStopGarbageCollection() throws Exception {
        try (FuseHang fuse = FuseHang.start()) {
            fuse.hang();
            assertPlainStatBlocks(fuse);
            assertTimeoutPreemptively(HANG_GUARD, () -> System.gc(), "a garbage collection waited for the blocked stat");
            CaptureResult r = captureBounded(Duration.ofSeconds(2), 1, List.of(new Selector.Pid(fuse.holderPid())));
            assertEquals(TaskError.Kind.HUNG, r.errors().get(0).kind(), r.errors().toString());
        }
    }

    @Test
    void aFileOnAHungFuseMountIsCapturedFromCachedAttributes() throws Exception {
        try (FuseHang fuse = FuseHang.start()) {
            fuse.hang();
            assertPlainStatBlocks(fuse);
            for (int threads : new int[] {1, 2}) {
                CaptureResult r = assertTimeoutPreemptively(HANG_GUARD, () -> {
                    try (Capturer c = new Capturer(Syscalls.system())) {
                        return c.capture(request(tempDir("state"), new Selector.Pid(fuse.holderPid())).withThreads(threads));
                    }
                }, "the capture hung on the FUSE file");
                assertFalse(r.partial(), r.errors().toString());
                assertTrue(r.frozen());
                CapturedFd f = fd(task(r, fuse.holderPid()), 3);
                assertEquals(FdType.FILE, f.type());
                assertEquals(0, f.statErrno());
                assertEquals(FuseHang.INO, f.ino());
                assertEquals(Long.parseLong(ProcOracle.fdinfo(fuse.holderPid(), 3).get("ino")), f.ino(), "fdinfo's ino");
                assertEquals(FuseHang.SIZE, f.size());
                assertEquals(1, f.nlink());
                assertFalse(f.deleted());
                assertEquals(FuseHang.MODE, f.statMode());
                assertEquals(fuse.devMajorMinor(), StatLayout.major(f.dev()) + ":" + StatLayout.minor(f.dev()), "st_dev is the mount's");
                assertArrayEquals(fuse.mountpoint.resolve(FuseHang.FILE).toString().getBytes(), f.path().toByteArray());
                assertTrue(fuse.holderAnswers(HANG_GUARD), "the holder runs again (thawed)");
            }
        }
    }

    private static CaptureResult captureBounded(Duration bound, int threads, List<Selector> sel) throws Exception {
        return assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (Capturer c = new Capturer(Syscalls.system())) {
                return c.capture(CaptureRequest.of(sel).withStateDir(tempDir("state")).withThreads(threads)
                        .withStatCall(StatCall.FSTATAT).withMaxFrozen(bound));
            }
        }, "the capture hung although its frozen window is bounded");
    }

    @Test
    void aStatThatNeverReturnsFailsItsTaskOnlyAndEverythingIsThawed() throws Exception {
        try (FuseHang fuse = FuseHang.start(); Fixture fine = Fixture.start("many", "600")) {
            fuse.hang();
            for (int threads : new int[] {1, 2}) {
                Duration bound = Duration.ofSeconds(2);
                CaptureResult r = captureBounded(bound, threads, List.of(new Selector.Pid(fuse.holderPid()), new Selector.Pid(fine.pid)));
                assertTrue(r.frozen());
                assertTrue(r.partial(), "partial: the holder could not be captured");
                assertEquals(1, r.errors().size(), r.errors().toString());
                TaskError e = r.errors().get(0);
                assertEquals(fuse.holderPid(), e.pid());
                assertEquals(3, e.fd(), e.toString());
                assertEquals(TaskError.Kind.HUNG, e.kind());
                assertEquals("pid " + fuse.holderPid() + " fd 3: hung: stat /proc/" + fuse.holderPid()
                        + "/fd/3 did not return within 500 ms (a hung filesystem?)", e.toString());
                assertEquals(ProcOracle.fds(fine.pid).size(), task(r, fine.pid).fds().size(), "the other task is captured whole");
                assertTrue(r.timings().frozenWindow() < bound.toNanos(), "thawed within the bound: " + r.timings().frozenWindow());
                assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("1 capture thread(s) left blocked")), r.notes().toString());
                assertTrue(fuse.holderAnswers(HANG_GUARD), "the holder runs again while the stat is still blocked");
                int close = 500 + threads;
                assertTimeoutPreemptively(HANG_GUARD, () -> fine.closeFd(close), "the other task runs again");
            }
        }
    }

    /**
     * More stuck calls in a row than the bound leaves room for (one thread, each stall a quarter
     * of the bound): at the bound everything is thawed, what was in flight and what was not read
     * yet fail, what was read before is kept.
     */
    @Test
    void atTheBoundTheUnfinishedTasksFailAndAllAreThawed() throws Exception {
        try (FuseHang fuse = FuseHang.start(); Fixture first = Fixture.start("many", "20")) {
            fuse.hang();
            List<Process> holders = new ArrayList<>();
            try {
                List<Selector> sel = new ArrayList<>(List.of(new Selector.Pid(first.pid)));
                for (int i = 0; i < 5; i++) {
                    Process h = new ProcessBuilder("bash", "-c", "exec 3<\"$0\"; exec sleep 100000",
                            fuse.mountpoint.resolve(FuseHang.FILE).toString()).start();
                    holders.add(h);
                    sel.add(new Selector.Pid((int) h.pid()));
                }
                for (Process h : holders) awaitFd3(h);
                Duration bound = Duration.ofSeconds(2);
                CaptureResult r = captureBounded(bound, 1, sel);
                assertTrue(r.partial());
                assertEquals(List.of(first.pid), r.tasks().stream().map(t -> t.pid()).toList(), "the task read first is kept");
                assertEquals(5, r.errors().size(), r.errors().toString());
                assertTrue(r.errors().stream().allMatch(e -> e.kind() == TaskError.Kind.HUNG), r.errors().toString());
                assertTrue(r.errors().stream().anyMatch(e -> e.what().endsWith("did not return within 500 ms (a hung filesystem?)")));
                String notRead = "not read before the frozen window's time for reading fds ran out (three quarters of its bound of 2 s)";
                assertTrue(r.errors().stream().anyMatch(e -> e.fd() == 3 && e.what().startsWith(notRead + "; stat /proc/" + e.pid()
                        + "/fd/3 was in flight for ")), "the call in flight at the bound is named: " + r.errors());
                assertTrue(r.errors().stream().anyMatch(e -> e.fd() == -1 && e.what().equals(notRead)), r.errors().toString());
                assertTrue(r.timings().frozenWindow() < bound.toNanos() + 1_000_000_000L, "thawed at the bound: " + r.timings().frozenWindow());
                assertTrue(fuse.holderAnswers(HANG_GUARD), "thawed");
                assertTimeoutPreemptively(HANG_GUARD, () -> first.closeFd(10), "the captured task runs again");
            } finally {
                for (Process h : holders) h.destroyForcibly();
            }
        }
    }

    /** Without any blocking call: a bound shorter than the scan itself fails what was not read, and thaws. */
    @Test
    void aBoundShorterThanTheScanFailsWhatWasNotReadAndThaws() throws Exception {
        io.fleetckpt.agent.testing.Captures.assumeRoot();
        try (Fixture big = Fixture.start("many", "12000")) {
            CaptureResult r = assertTimeoutPreemptively(HANG_GUARD, () -> {
                try (Capturer c = new Capturer(Syscalls.system())) {
                    return c.capture(request(tempDir("state"), new Selector.Pid(big.pid)).withThreads(1).withMaxFrozen(Duration.ofMillis(1)));
                }
            });
            assertTrue(r.tasks().isEmpty());
            assertEquals(1, r.errors().size(), r.errors().toString());
            TaskError e = r.errors().get(0);
            assertEquals(big.pid, e.pid());
            assertEquals(TaskError.Kind.HUNG, e.kind());
            // the worker may be in the middle of an fd at the bound: then that fd and call are named too
            assertTrue(e.what().startsWith("not read before the frozen window's time for reading fds ran out (three quarters of its bound of 1 ms)"),
                    e.toString());
            assertTimeoutPreemptively(HANG_GUARD, () -> big.closeFd(100), "thawed: it answers");
        }
    }

    private static void awaitFd3(Process h) throws Exception {
        Path fd3 = Path.of("/proc", Long.toString(h.pid()), "fd", "3");
        for (int i = 0; i < 5000 && !java.nio.file.Files.exists(fd3, java.nio.file.LinkOption.NOFOLLOW_LINKS); i++) Thread.sleep(1);
        assertTrue(java.nio.file.Files.exists(fd3, java.nio.file.LinkOption.NOFOLLOW_LINKS), "holder " + h.pid() + " opened the file");
    }
}
