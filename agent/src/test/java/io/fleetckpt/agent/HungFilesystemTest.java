package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.StatLayout;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.agent.testing.FuseHang;
import io.fleetckpt.agent.testing.ProcOracle;
import io.fleetckpt.format.model.FdType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
}
