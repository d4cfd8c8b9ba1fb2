package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.testing.Fixture;
import io.fleetckpt.agent.testing.ProcOracle;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.fleetckpt.agent.testing.Captures.assumeRoot;
import static io.fleetckpt.agent.testing.Captures.capture;
import static io.fleetckpt.agent.testing.Captures.task;
import static io.fleetckpt.agent.testing.Captures.tempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 12,000 fds in one process, and 30,000 more over three processes, in one capture. */
class ManyFdsTest {
    @Test
    void tenThousandPlusInOneAndMoreAcrossSeveral() throws Exception {
        assumeRoot();
        Path state = tempDir("state");
        try (Fixture big = Fixture.start("many", "12000");
             Fixture a = Fixture.start("many", "10000");
             Fixture b = Fixture.start("many", "10000");
             Fixture c = Fixture.start("many", "10000")) {
            CaptureResult r = capture(state, 2, new Selector.Pid(big.pid), new Selector.Pid(a.pid),
                    new Selector.Pid(b.pid), new Selector.Pid(c.pid));
            assertEquals(List.of(), r.errors());
            assertTrue(r.frozen());
            assertEquals(4, r.tasks().size());
            long total = 0;
            for (Fixture f : List.of(big, a, b, c)) {
                CapturedTask t = task(r, f.pid);
                TreeSet<Integer> listed = ProcOracle.fds(f.pid);
                assertEquals(listed, new TreeSet<>(t.fds().stream().map(CapturedFd::fd).toList()), "pid " + f.pid);
                total += t.fds().size();
                checkShape(t);
                // a sample of fds against fdinfo
                for (int i = 0; i < t.fds().size(); i += 997) {
                    CapturedFd fd = t.fds().get(i);
                    assertEquals(ProcOracle.pos(f.pid, fd.fd()), fd.pos());
                    assertEquals(ProcOracle.flagsWithCloexec(f.pid, fd.fd()) & ~02000000, fd.flags());
                }
            }
            assertEquals(42000, total, "fds");
            assertEquals(total, r.fdCount());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            io.fleetckpt.format.ImageWriter.write(ImageMapper.toImage(r), out);
            assertEquals(total, io.fleetckpt.format.ImageReader.readImage(out.toByteArray()).fdCount(),
                    "the image passes the validating reader");
        }
    }

    /**
     * The fixture's shape: one open of its executable dup'ed many times (one description), and
     * every other fd a description of its own except the two ends' pairs.
     */
    private static void checkShape(CapturedTask t) {
        Map<Integer, Integer> perRef = new HashMap<>();
        for (CapturedFd f : t.fds()) perRef.merge(f.objref(), 1, Integer::sum);
        int dupGroup = perRef.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        long singles = perRef.values().stream().filter(n -> n == 1).count();
        assertTrue(dupGroup > t.fds().size() / 7, "the dup'ed base file is one description: " + dupGroup);
        assertEquals(perRef.size() - 1, singles, "every other description has one fd");
    }
}
