package io.fleetckpt.agent;

import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.agent.testing.Fixture;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.fleetckpt.agent.testing.Captures.assumeRoot;
import static io.fleetckpt.agent.testing.Captures.request;
import static io.fleetckpt.agent.testing.Captures.tempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scan opens /proc directories of every task (the lister's, handed on to a reader, and the
 * readers' own): a capture, on one thread or several, of tables small and large, must leave
 * none of them open in the agent.
 */
class AgentFdsTest {
    private static Set<String> ownFds() throws Exception {
        try (var l = Files.list(Path.of("/proc/self/fd"))) {
            Set<String> fds = new TreeSet<>();
            for (Path p : l.toList()) {
                try {
                    fds.add(p.getFileName() + " -> " + Files.readSymbolicLink(p));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // the listing's own directory fd
                }
            }
            return fds;
        }
    }

    @Test
    void capturesLeaveNoFdOpen() throws Exception {
        assumeRoot();
        Path state = tempDir("state");
        try (Fixture small = Fixture.start("many", "10");
             Fixture big = Fixture.start("many", "3000");
             Capturer c = new Capturer(Syscalls.system())) {
            List<Selector> both = List.of(new Selector.Pid(small.pid), new Selector.Pid(big.pid));
            c.capture(request(state, both.toArray(Selector[]::new)).withThreads(2)); // threads, classes, jar files: opened once
            Set<String> before = ownFds();
            for (int threads : new int[] {1, 2, 4}) {
                for (List<Selector> sel : List.of(List.of(both.get(0)), List.of(both.get(1)), both)) {
                    CaptureResult r = c.capture(request(state, sel.toArray(Selector[]::new)).withThreads(threads));
                    assertEquals(List.of(), r.errors());
                    assertTrue(r.fdCount() >= 10);
                }
            }
            Set<String> left = ownFds();
            left.removeAll(before);
            assertEquals(Set.of(), left, "fds the captures left open");
        }
    }
}
