package io.fleetckpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process side of the data directory lock; another process holding it is in {@link LocalLifecycleTest}. */
class DataDirLockTest {
    @Test
    void aSecondHolderInThisProcessIsRefusedUntilTheFirstLetsGo(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        String me = Long.toString(ProcessHandle.current().pid());
        try (DataDirLock first = DataDirLock.acquire(data)) {
            assertEquals(me + "\n", Files.readString(data.resolve(DataDirLock.FILE_NAME)));
            DataDirLock.InUseException e = assertThrows(DataDirLock.InUseException.class, () -> DataDirLock.acquire(data));
            assertEquals("another fleetckpt local is using " + data.toRealPath() + " (pid " + me
                    + "); stop it or pass --data OTHER_DIR", e.getMessage());
            // the same directory by another name is the same directory
            assertThrows(DataDirLock.InUseException.class, () -> DataDirLock.acquire(tmp.resolve("./data/../data")));
        }
        try (DataDirLock again = DataDirLock.acquire(data)) {
            assertEquals(me + "\n", Files.readString(data.resolve(DataDirLock.FILE_NAME)));
        }
    }

    @Test
    void aStalePidFromAKilledRunDoesNotHoldTheDirectory(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve(DataDirLock.FILE_NAME), "999999999\n");
        try (DataDirLock l = DataDirLock.acquire(tmp)) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(tmp.resolve(DataDirLock.FILE_NAME)));
        }
    }
}
