package io.fleetckpt.format;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.Task;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models the writer cannot encode are refused with a message naming task and fd. */
class WriterRefusalTest {
    private static Image one(List<FdEntry> fds, RawBytes path, String comm) {
        Task t = new Task(SampleImages.info(42, 42, 1, comm), 0, fds);
        return Image.of(SampleImages.goldenHeader(), List.of(t),
                Map.of(7, new OpenFile(7, FdType.FILE, 0xd, 0, 0, 0, path)));
    }

    private static String refused(Image img) {
        return assertThrows(IllegalArgumentException.class, () -> ImageWriter.toBytes(img)).getMessage();
    }

    @Test
    void refusals() {
        RawBytes ok = RawBytes.ofUtf8("/x");
        String m = refused(one(List.of(new FdEntry(3, false, 7), new FdEntry(3, false, 7)), ok, "a"));
        assertTrue(m.contains("task 42") && m.contains("fd 3"), m);
        m = refused(one(List.of(new FdEntry(1, false, 8)), ok, "a"));
        assertTrue(m.contains("task 42 fd 1") && m.contains("objref 8"), m);
        m = refused(one(List.of(new FdEntry(1, false, 7)), RawBytes.copyOf(new byte[] {'/', 0, 'x'}), "a"));
        assertTrue(m.contains("task 42 fd 1") && m.contains("NUL"), m);
        m = refused(one(List.of(new FdEntry(1, false, 7)), RawBytes.copyOf(new byte[4096]), "a"));
        assertTrue(m.contains("PATH_MAX"), m);
        m = refused(one(List.of(), ok, "seventeen-chars-x"));
        assertTrue(m.contains("comm"), m);
        // the longest legal name round-trips
        byte[] longest = new byte[4095];
        java.util.Arrays.fill(longest, (byte) 'a');
        Image img = one(List.of(new FdEntry(0, true, 7)), RawBytes.copyOf(longest), "a");
        assertEquals(4095, ImageReaderHelper.read(ImageWriter.toBytes(img)).openFiles().get(1).path().length());
    }

    @Test
    void flagDecoding() {
        assertEquals("O_RDWR|O_APPEND|O_LARGEFILE", FileFlags.describeFlags(02 | 02000 | 0100000));
        assertEquals("O_RDONLY|O_NOFOLLOW|O_PATH", FileFlags.describeFlags(010000000 | 0400000));
        assertEquals("O_WRONLY|0x80000000", FileFlags.describeFlags(1 | 0x80000000));
        assertEquals("FMODE_READ|FMODE_WRITE|FMODE_LSEEK|FMODE_PREAD", FileFlags.describeMode(0x0f));
        assertEquals("0", FileFlags.describeMode(0));
        assertEquals("FMODE_READ|0x8000", FileFlags.describeMode(0x8001));
        assertEquals("FMODE_PATH", FileFlags.describeMode(0x4000));
    }

    static final class ImageReaderHelper {
        static Image read(byte[] b) {
            try {
                return ImageReader.readImage(b);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}
