package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.testing.Fixture;
import io.fleetckpt.agent.testing.ProcOracle;
import io.fleetckpt.format.model.Image;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fleetckpt.agent.testing.Captures.assumeRoot;
import static io.fleetckpt.agent.testing.Captures.capture;
import static io.fleetckpt.agent.testing.Captures.task;
import static io.fleetckpt.agent.testing.Captures.tempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two processes, one fd table (clone with CLONE_FILES): the table is captured once and shared. */
class CloneFilesTest {
    @Test
    void aThreadIdSelectsItsProcessOnce() throws Exception {
        assumeRoot();
        try (Fixture f = Fixture.start("threads")) {
            assertNotEquals(f.pid, f.child, "CHILD is a thread id");
            CaptureResult r = capture(tempDir("state"), 1, new io.fleetckpt.agent.select.Selector.Pid(f.child),
                    new io.fleetckpt.agent.select.Selector.Pid(f.pid));
            assertEquals(List.of(), r.errors());
            assertEquals(List.of(f.pid), r.tasks().stream().map(t -> t.pid()).toList(), "one process, one fd table");
            assertEquals(ProcOracle.fds(f.pid).size(), task(r, f.pid).fds().size());
        }
    }

    @Test
    void sharedTableWrittenOnce() throws Exception {
        assumeRoot();
        try (Fixture f = Fixture.start("clonefiles")) {
            assertEquals(List.of("0"), Fixture.oracle("", "kcmpfiles", Integer.toString(f.pid), Integer.toString(f.child)),
                    "the oracle agrees they share one table");
            CaptureResult r = capture(tempDir("state"), 1, new Selector.Tree(f.pid));
            assertEquals(List.of(), r.errors());
            CapturedTask parent = task(r, f.pid);
            CapturedTask child = task(r, f.child);
            assertEquals(0, parent.tableOwner());
            assertEquals(f.pid, child.tableOwner());
            assertTrue(parent.tableRef() > 0);
            assertEquals(parent.tableRef(), child.tableRef());
            assertEquals(parent.fds(), child.fds());
            assertEquals(ProcOracle.fds(f.child).size(), child.fds().size());
            assertEquals(parent.fds().size(), r.fdCount(), "the shared table counts once");
            int devnull = f.fds.get("devnull");
            assertTrue(parent.fds().stream().anyMatch(x -> x.fd() == devnull));
            Image img = ImageMapper.toImage(r);
            assertEquals(img.tasks().get(0).tableRef(), img.tasks().get(1).tableRef());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            io.fleetckpt.format.ImageWriter.write(img, out);
            Image back = io.fleetckpt.format.ImageReader.readImage(out.toByteArray());
            assertEquals(img.tasks(), back.tasks(), "the shared table survives the validating reader");
            for (var e : img.tasks().get(0).fds()) assertNotEquals(parent.tableRef(), e.objref(), "table and files do not share numbers");
        }
    }
}
