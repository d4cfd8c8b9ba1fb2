package io.fleetckpt.format;

import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.record.CrHdr;
import io.fleetckpt.format.record.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile images: every failure must be an {@link ImageFormatException} with a location, never
 * another exception, a hang or an OutOfMemoryError. The timeout guards against hangs only.
 */
@Timeout(120)
class MalformedImageTest {
    private static final byte[] GOLDEN = ImageWriter.toBytes(SampleImages.golden());

    /** Reads {@code bytes} both in memory and streamed; returns the error or null if valid. */
    private static ImageFormatException read(byte[] bytes) {
        ImageFormatException a = readOnce(() -> ImageReader.readImage(bytes));
        ImageFormatException b = readOnce(() -> ImageReader.readImage(new ByteArrayInputStream(bytes)));
        if ((a == null) != (b == null) || (a != null && !a.getMessage().equals(b.getMessage()))) {
            fail("array and stream readers disagree: " + a + " / " + b);
        }
        return a;
    }

    interface Read {
        Image run() throws Exception;
    }

    private static ImageFormatException readOnce(Read r) {
        try {
            r.run();
            return null;
        } catch (ImageFormatException e) {
            assertTrue(e.getMessage().startsWith("offset " + e.offset()), e.getMessage());
            assertTrue(e.field() != null && !e.field().isEmpty());
            return e;
        } catch (Throwable t) {
            throw new AssertionError("not a typed format error: " + t, t);
        }
    }

    @Test
    void truncationAtEveryOffsetIsATypedError() {
        for (int n = 0; n < GOLDEN.length; n++) {
            ImageFormatException e = read(Arrays.copyOf(GOLDEN, n));
            assertTrue(e != null, "truncated to " + n + " bytes was accepted");
            assertTrue(e.offset() <= n, "error offset " + e.offset() + " beyond the " + n + " bytes");
        }
    }

    @Test
    void truncationOfRandomImages() {
        RandomImages gen = new RandomImages(99);
        Random rnd = new Random(99);
        for (int i = 0; i < 40; i++) {
            byte[] b = ImageWriter.toBytes(gen.next(false));
            for (int k = 0; k < 30; k++) {
                assertTrue(read(Arrays.copyOf(b, rnd.nextInt(b.length))) != null);
            }
        }
    }

    @Test
    void flippedBytesAreTypedErrorsOrStillValid() {
        int[] masks = {0x01, 0x80, 0xff, 0x10};
        int errors = 0;
        for (int i = 0; i < GOLDEN.length; i++) {
            for (int m : masks) {
                byte[] b = GOLDEN.clone();
                b[i] ^= (byte) m;
                if (read(b) != null) errors++;
            }
        }
        assertTrue(errors > GOLDEN.length, "most flips must be caught, only " + errors + " were");
    }

    @Test
    void randomGarbageAndRandomSplices() {
        Random rnd = new Random(5);
        for (int i = 0; i < 3000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[rnd.nextInt(600)];
                rnd.nextBytes(b);
            } else {
                // a valid prefix then garbage: gets the parser deep before it breaks
                b = Arrays.copyOf(GOLDEN, rnd.nextInt(GOLDEN.length) + 40);
                for (int k = b.length - 40; k < b.length; k++) b[k] = (byte) rnd.nextInt();
            }
            read(b);
        }
    }

    // ---- targeted corruptions; offsets come from the golden layout ------------------------

    private static final int TREE = 8 + 224;
    private static final int PIDS = TREE + 16;
    private static final int TASK1 = PIDS + 5 * 16;
    private static final int FILES1 = TASK1 + 32 + 24;
    private static final int FDENT1 = FILES1 + 16;
    private static final int FDDATA1 = FDENT1 + 24;
    private static final int FNAME1 = FDDATA1 + 32;

    private static byte[] with(int offset, int value, int size) {
        byte[] b = GOLDEN.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (size == 2) bb.putShort(offset, (short) value);
        else bb.putInt(offset, value);
        return b;
    }

    private static void expect(byte[] b, int recordType, String field, long offset) {
        ImageFormatException e = read(b);
        assertTrue(e != null, "accepted");
        assertEquals(recordType, e.recordType(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
    }

    @Test
    void layoutAssumptionsOfThisTestHold() {
        ByteBuffer bb = ByteBuffer.wrap(GOLDEN).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(RecordType.TREE, bb.getShort(TREE));
        assertEquals(RecordType.TASK, bb.getShort(TASK1));
        assertEquals(RecordType.FILES, bb.getShort(FILES1));
        assertEquals(RecordType.FD_ENT, bb.getShort(FDENT1));
        assertEquals(RecordType.FD_DATA, bb.getShort(FDDATA1));
        assertEquals(RecordType.FNAME, bb.getShort(FNAME1));
    }

    @Test
    void absurdCountsAreRefusedBeforeAllocating() {
        expect(with(TREE + 8, -1, 4), RecordType.TREE, "tasks_nr", TREE + 8);
        expect(with(FILES1 + 12, -1, 4), RecordType.FILES, "nfds", FILES1 + 12);
        // tasks_nr within limits but far more than present: truncation, not a 64 MB allocation
        ImageFormatException e = read(with(TREE + 8, 4_000_000, 4));
        assertTrue(e != null);
        expect(with(FILES1 + 12, 1000, 4), RecordType.TASK, "type", FILES1 + 16 + 24 + 32 + 18 + 24 + 32 + 21 + 24 + 24 + 32 + 25 + 24 + 32 + 14 + 24 + 32 + 23 + 24 + 32 + 29);
    }

    @Test
    void absurdLengthsAreTypedErrors() {
        expect(with(FNAME1 + 2, 0x7fff, 2), RecordType.FNAME, "payload", FNAME1 + 8);
        expect(with(FNAME1 + 2, -5, 2), RecordType.FNAME, "len", FNAME1 + 2);
        expect(with(FDENT1 + 2, 24, 2), RecordType.FD_ENT, "len", FDENT1 + 2);
        expect(with(0 + 2, 223, 2), RecordType.HEAD, "len", 2);
        ImageFormatException e = read(with(FNAME1 + 2, 0, 2));
        assertEquals("len", e.field());
    }

    /**
     * One byte over PATH_MAX with every byte of the record present: the length check itself
     * refuses it (0x7fff above fails on truncation first). PATH_MAX exactly is a valid name.
     */
    @Test
    void fnameLongerThanPathMaxIsALengthErrorNotATruncation() {
        int maxLen = io.fleetckpt.format.record.FnameRecord.MAX_LEN;
        assertEquals(4096, maxLen, "PATH_MAX, NUL included");
        assertEquals(null, read(withFnameOf(maxLen)), "a name of PATH_MAX bytes with its NUL is valid");
        byte[] over = withFnameOf(maxLen + 1);
        assertTrue(over.length > FNAME1 + CrHdr.SIZE + maxLen + 1 + 8, "the record and what follows it are all there");
        expect(over, RecordType.FNAME, "len", FNAME1 + 2);
        assertTrue(read(over).getMessage().contains("length 4097, must be 1..4096"), read(over).getMessage());
    }

    /** The golden image with its first FNAME replaced by a name of {@code len} bytes, NUL included. */
    private static byte[] withFnameOf(int len) {
        ByteBuffer g = ByteBuffer.wrap(GOLDEN).order(ByteOrder.LITTLE_ENDIAN);
        int oldLen = g.getShort(FNAME1 + 2);
        int after = FNAME1 + CrHdr.SIZE + oldLen;
        byte[] name = new byte[len];
        Arrays.fill(name, 0, len - 1, (byte) 'a');
        name[0] = '/';
        ByteBuffer b = ByteBuffer.allocate(GOLDEN.length - oldLen + len).order(ByteOrder.LITTLE_ENDIAN);
        b.put(GOLDEN, 0, FNAME1 + CrHdr.SIZE).put(name).put(GOLDEN, after, GOLDEN.length - after);
        b.putShort(FNAME1 + 2, (short) len);
        return b.array();
    }

    @Test
    void hostileNames() {
        // "/dev/null\0": put a NUL inside, then drop the terminating NUL
        expect(with(FNAME1 + 8 + 4, 0, 2), RecordType.FNAME, "path", FNAME1 + 8 + 4);
        byte[] b = GOLDEN.clone();
        b[FNAME1 + 8 + 9] = 'x';
        expect(b, RecordType.FNAME, "path", FNAME1 + 8 + 9);
    }

    @Test
    void magicsRevFlagsAndTypes() {
        expect(with(8, 0x12345678, 4), RecordType.HEAD, "magic", 8);
        expect(with(8 + 14, 2, 2), RecordType.HEAD, "rev", 8 + 14);
        expect(with(8 + 24, 2, 4), RecordType.HEAD, "flags", 8 + 24);
        expect(with(GOLDEN.length - 8, 0, 4), RecordType.TAIL, "magic", GOLDEN.length - 8);
        expect(with(FDDATA1 + 8, 9, 2), RecordType.FD_DATA, "fd_type", FDDATA1 + 8);
        expect(with(FDDATA1 + 8, 0, 2), RecordType.FD_DATA, "fd_type", FDDATA1 + 8);
        expect(with(TASK1, RecordType.MM, 2), RecordType.MM, "type", TASK1);
        expect(with(FDENT1 + 8 + 8, 2, 4), RecordType.FD_ENT, "close_on_exec", FDENT1 + 16);
        expect(with(TASK1 + 8 + 16, 15, 4), RecordType.TASK, "task_comm_len", TASK1 + 24);
    }

    @Test
    void parentsOrderAndObjrefs() {
        expect(with(FILES1 + 4, 999, 4), RecordType.FILES, "parent", FILES1 + 4);
        expect(with(FDENT1 + 4, 3, 4), RecordType.FD_ENT, "parent", FDENT1 + 4);
        expect(with(FDDATA1 + 4, 2, 4), RecordType.FD_DATA, "parent", FDDATA1 + 4);
        expect(with(FNAME1 + 4, 1, 4), RecordType.FNAME, "parent", FNAME1 + 4);
        expect(with(TASK1 + 4, 100, 4), RecordType.TASK, "parent", TASK1 + 4);
        // objref 1 → 2 at the first FD_ENT: skips ahead of the first-seen numbering
        expect(with(FDENT1 + 8, 2, 4), RecordType.FD_ENT, "objref", FDENT1 + 8);
        expect(with(FDENT1 + 8, 0, 4), RecordType.FD_ENT, "objref", FDENT1 + 8);
        // second fd entry (fd 1) renumbered as fd 0: not ascending
        int fdent2 = FNAME1 + 8 + 10;
        expect(with(fdent2 + 8 + 4, 0, 4), RecordType.FD_ENT, "fd", fdent2 + 12);
        expect(with(fdent2 + 8 + 4, -3, 4), RecordType.FD_ENT, "fd", fdent2 + 12);
        // duplicate pid in the tree
        expect(with(PIDS + 16, 100, 4), RecordType.PIDS, "pids[1].vpid", PIDS + 16);
    }

    @Test
    void fdDataOnlyAfterAnUnseenObjref() {
        // fd 2 of task 1 dups objref 2: turn its FD_ENT into one that claims objref 1 and follow
        // it by the FD_DATA of the next open file: the reader must see FD_DATA after a seen objref
        byte[] b = GOLDEN.clone();
        int fdent2 = FNAME1 + 8 + 10;                 // fd 1 → objref 2 (new)
        int fdent3 = fdent2 + 24 + 32 + 8 + 13;       // fd 2 → objref 2 (seen), no FD_DATA
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(RecordType.FD_ENT, bb.getShort(fdent3));
        assertEquals(2, bb.getInt(fdent3 + 8));
        int fdent4 = fdent3 + 24;                     // fd 3 → objref 3 (new) + FD_DATA
        bb.putInt(fdent4 + 8, 1);                     // now claims seen objref 1
        ImageFormatException e = read(b);
        assertEquals(RecordType.FD_DATA, e.recordType(), e.getMessage());
        assertEquals("type", e.field());
        assertTrue(e.getMessage().contains("already seen"), e.getMessage());
    }

    @Test
    void dataAfterTail() {
        byte[] b = Arrays.copyOf(GOLDEN, GOLDEN.length + 1);
        expect(b, RecordType.NONE, "trailing data", GOLDEN.length);
        byte[] twice = Arrays.copyOf(GOLDEN, GOLDEN.length * 2);
        System.arraycopy(GOLDEN, 0, twice, GOLDEN.length, GOLDEN.length);
        expect(twice, RecordType.NONE, "trailing data", GOLDEN.length);
    }

    @Test
    void strictV13RefusesSharedTables() throws Exception {
        // a model with a shared table but only v13 fd types
        Image img = ImageReader.readImage(GOLDEN);
        var tasks = img.tasks().stream().map(t -> new io.fleetckpt.format.model.Task(t.info(), 0, t.fds())).toList();
        var files = new java.util.TreeMap<Integer, io.fleetckpt.format.model.OpenFile>();
        img.openFiles().forEach((k, f) -> files.put(k, new io.fleetckpt.format.model.OpenFile(k,
                io.fleetckpt.format.model.FdType.FILE, f.mode(), f.flags(), f.pos(), f.version(), f.path())));
        byte[] plain = ImageWriter.toBytes(Image.of(img.header(), tasks, files), FormatOptions.STRICT_V13);
        ImageReader.readImage(plain, FormatOptions.STRICT_V13);
        var shared = img.tasks().stream().map(t -> new io.fleetckpt.format.model.Task(t.info(), t.tableRef(), t.fds())).toList();
        byte[] ext = ImageWriter.toBytes(Image.of(img.header(), shared, files));
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.readImage(ext, FormatOptions.STRICT_V13));
        assertEquals(RecordType.FILES, e.recordType());
        assertEquals("objref", e.field());
        assertThrows(IllegalArgumentException.class, () -> ImageWriter.toBytes(Image.of(img.header(), shared, files), FormatOptions.STRICT_V13));
        assertThrows(IllegalArgumentException.class, () -> ImageWriter.toBytes(SampleImages.golden(), FormatOptions.STRICT_V13));
    }

}
