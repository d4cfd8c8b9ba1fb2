package io.fleetckpt.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The embedded broker's shutdown, as `bench pipeline` and `local` end: Kafka 4.4's
 * ControllerServer closes the controller's registration channel after its
 * ControllerRegistrationManager already did, and NetworkClient warns "Attempting to close
 * NetworkClient that has already been closed" — not ours to fix, so the shipped logging
 * configuration must keep it off the user's screen.
 */
class EmbeddedBrokerLogTest {
    @Test
    void aBenchRunEndsWithoutTheBrokersNetworkClientWarnings(@TempDir Path tmp) throws Exception {
        ReleasedCli r = ReleasedCli.run(tmp, 120, "bench", "pipeline", "--hosts", "2", "--tasks", "2", "--fds", "3",
                "--repeats", "1", "--warmup", "0", "--data", tmp.resolve("data").toString());
        assertEquals(0, r.code(), r.errText());
        assertEquals(List.of(), r.err().stream().filter(l -> l.contains("WARN NetworkClient")).toList(), r.errText());
    }
}
