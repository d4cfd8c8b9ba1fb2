package io.fleetckpt.agent.share;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.RawBytes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Comparing files is the frozen window's last work: past the window's bound it starts no bucket. */
class OfdResolverDeadlineTest {
    @Test
    void noBucketIsComparedPastTheDeadline() {
        Syscalls sys = Syscalls.system();
        int self = (int) ProcessHandle.current().pid();
        int a = sys.open("/dev/null\0".getBytes(), Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        int b = sys.open("/dev/null\0".getBytes(), Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        try {
            // two opens of one file with the same key: only kcmp can tell them apart
            List<TaskFds> tasks = List.of(new TaskFds(self, List.of(devNull(a), devNull(b))));
            OfdResolver.Result late = new OfdResolver(sys, null, 0, true, System.nanoTime() - 1).resolve(tasks);
            assertTrue(late.expired());
            assertEquals(0, late.kcmpCalls());
            OfdResolver.Result inTime = new OfdResolver(sys, null, 0, true, Long.MAX_VALUE).resolve(tasks);
            assertFalse(inTime.expired());
            assertTrue(inTime.kcmpCalls() > 0);
            assertNotEquals(inTime.reps()[0][0], inTime.reps()[0][1], "two open file descriptions");
        } finally {
            sys.close(a);
            sys.close(b);
        }
    }

    private static CapturedFd devNull(int fd) {
        return new CapturedFd(fd, true, 0, 1, 0, 25, 5, 5, 259, 0, 1, 020666, FdType.CHR, false,
                RawBytes.ofUtf8("/dev/null"), null, 0, 0);
    }
}
