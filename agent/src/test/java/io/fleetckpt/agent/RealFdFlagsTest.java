package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.testing.Captures;
import io.fleetckpt.agent.testing.Fixture;
import io.fleetckpt.agent.testing.ProcOracle;
import io.fleetckpt.format.FileFlags;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static io.fleetckpt.agent.testing.Captures.assumeRoot;
import static io.fleetckpt.agent.testing.Captures.capture;
import static io.fleetckpt.agent.testing.Captures.task;
import static io.fleetckpt.agent.testing.Captures.tempDir;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real fds whose f_flags are unusual (src/test/c/flagkinds.c), captured and read back through the
 * validating reader: the reader's f_flags/f_mode checks must refuse none of them, and the
 * captured flags must be what the kernel reports.
 */
class RealFdFlagsTest {
    private static Fixture kinds;
    private static CaptureResult result;
    private static CapturedTask task;

    @BeforeAll
    static void captureThem() throws Exception {
        assumeRoot();
        Path dir = tempDir("flagkinds");
        kinds = Fixture.startProgram("flagkinds", dir.toString());
        result = capture(tempDir("state"), 2, new Selector.Tree(kinds.pid));
        task = task(result, kinds.pid);
    }

    @AfterAll
    static void stop() throws IOException {
        if (kinds != null) kinds.close();
    }

    private static CapturedFd fd(String name) {
        return Captures.fd(task, kinds.fds.get(name));
    }

    @Test
    void capturedFlagsAreWhatTheKernelReports() throws IOException {
        for (Map.Entry<String, Integer> e : kinds.fds.entrySet()) {
            int kernel = ProcOracle.flagsWithCloexec(kinds.pid, e.getValue()) & ~FileFlags.O_CLOEXEC;
            assertEquals(kernel, Captures.fd(task, e.getValue()).flags(), e.getKey());
        }
    }

    @Test
    void theSurprisingOnesHoldWhatTheReaderMustAccept() {
        assertEquals(0100002, fd("created_excl_trunc_noctty").flags(), "open(2) cleared O_CREAT|O_EXCL|O_TRUNC|O_NOCTTY");
        assertEquals(0100003, fd("accmode3_devnull").flags(), "access mode 3 is kept");
        assertEquals(0, fd("accmode3_devnull").mode() & (FileFlags.FMODE_READ | FileFlags.FMODE_WRITE));
        assertEquals(020300002, fd("tmpfile_rw").flags(), "__O_TMPFILE|O_DIRECTORY stay");
        assertEquals(010000000, fd("opath_rw_append").flags(), "O_PATH keeps neither access mode nor O_APPEND");
        assertTrue(fd("proc_mem_negative_pos").pos() < 0, "f_pos " + fd("proc_mem_negative_pos").pos());
        assertEquals(FdType.CHR, fd("dev_tty").type());
        if (kinds.fds.containsKey("pidfd_thread")) {
            assertEquals(FileFlags.O_RDWR | FileFlags.O_EXCL, fd("pidfd_thread").flags(), "PIDFD_THREAD is O_EXCL, kept");
            assertEquals(FdType.ANON, fd("pidfd_thread").type());
        }
    }

    @Test
    void theImagePassesTheValidatingReader() {
        Image img = ImageMapper.toImage(result);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertDoesNotThrow(() -> ImageWriter.write(img, out));
        Image back = assertDoesNotThrow(() -> ImageReader.readImage(out.toByteArray(), FormatOptions.DEFAULT));
        assertEquals(img.openFiles(), back.openFiles());
        assertEquals(kinds.fds.size() + 3, back.fdCount(), "every named fd and stdio");
    }
}
