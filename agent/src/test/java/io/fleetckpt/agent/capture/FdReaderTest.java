package io.fleetckpt.agent.capture;

import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.agent.testing.Fixture;
import org.junit.jupiter.api.Test;

import static io.fleetckpt.agent.testing.Captures.assumeRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An fd closed between listing and reading gives a per-fd error naming pid, fd and call. */
class FdReaderTest {
    @Test
    void fdClosedBetweenListingAndReading() throws Exception {
        assumeRoot();
        Syscalls sys = Syscalls.system();
        try (Fixture f = Fixture.start("many", "20"); FdReader reader = new FdReader(sys, StatCall.CACHED)) {
            int[] listed = new FdLister(sys).list(f.pid);
            int victim = listed[listed.length - 1];
            f.closeFd(victim);
            reader.task(f.pid);
            Object o = reader.read(victim);
            TaskError e = assertInstanceOf(TaskError.class, o);
            assertEquals(f.pid, e.pid());
            assertEquals(victim, e.fd());
            assertEquals(TaskError.Kind.FD_CLOSED, e.kind());
            assertTrue(e.what().contains("closed between listing and reading"), e.what());
            assertInstanceOf(CapturedFd.class, reader.read(listed[0]));
        }
    }

    @Test
    void processGoneIsAWholeTaskError() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        FdLister.TaskFailure failure = org.junit.jupiter.api.Assertions.assertThrows(FdLister.TaskFailure.class,
                () -> new FdLister(Syscalls.system()).list((int) p.pid()));
        assertEquals(TaskError.Kind.EXITED, failure.error.kind());
        assertEquals(-1, failure.error.fd());
    }
}
