package io.fleetckpt.format.section;

import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageEvent;
import io.fleetckpt.format.ImageFormatException;
import io.fleetckpt.format.ImageModelBuilder;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.RandomImages;
import io.fleetckpt.format.SampleImages;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.record.RecordType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectionRoundTripTest {

    static List<SectionChunk> encode(Image img, int budget) throws IOException {
        List<SectionChunk> chunks = new ArrayList<>();
        SectionWriter w = new SectionWriter(budget, chunks::add, FormatOptions.DEFAULT);
        chunks.add(w.begin(img.header(), img.tasks().stream().map(Task::info).toList()));
        for (Task t : img.tasks()) w.writeTask(t, img.openFiles()::get);
        chunks.add(w.end());
        // begin is built first but sent first: move it to the front
        SectionChunk begin = chunks.remove(chunks.size() - 1 - (chunks.size() - 1));
        chunks.add(0, begin);
        return chunks;
    }

    static Image decode(List<SectionChunk> chunks) throws IOException {
        SectionReader r = new SectionReader();
        ImageModelBuilder b = new ImageModelBuilder();
        for (SectionChunk c : chunks) {
            r.feed(c.kind(), c.payload());
            ImageEvent ev;
            while ((ev = r.next()) != null) b.accept(ev, r);
        }
        assertTrue(r.complete());
        return b.build();
    }

    @Test
    void randomModelsSurviveChunkingAtAnyBudget() throws Exception {
        RandomImages gen = new RandomImages(7);
        Random rnd = new Random(7);
        for (int i = 0; i < 200; i++) {
            Image model = gen.next(false);
            int budget = SectionWriter.MIN_CHUNK_BUDGET + rnd.nextInt(i % 2 == 0 ? 64 : 20000);
            List<SectionChunk> chunks = encode(model, budget);
            int fds = 0, tasks = 0;
            for (SectionChunk c : chunks) {
                if (c.kind() == SectionKind.TASKS) assertTrue(c.payload().length <= budget, "chunk over budget");
                fds += c.fdCount();
                tasks += c.taskCount();
            }
            assertEquals(model.tasks().size(), tasks);
            assertEquals(model.tasks().stream().filter(t -> t.tableRef() == 0 || isFirstSharer(model, t))
                    .mapToInt(t -> t.fds().size()).sum(), fds);
            Image back = decode(chunks);
            Image expected = SampleImages.renumber(model);
            assertEquals(expected, back, "case " + i);
            // the aggregator's path: the model from the sections written as an image is the image
            assertArrayEquals(ImageWriter.toBytes(model), ImageWriter.toBytes(back), "case " + i);
        }
    }

    private static boolean isFirstSharer(Image img, Task t) {
        for (Task o : img.tasks()) if (o.tableRef() == t.tableRef()) return o == t;
        return false;
    }

    @Test
    void everyFdCarriesItsOpenFileInAHostStream() throws Exception {
        List<SectionChunk> chunks = encode(SampleImages.golden(), SectionWriter.MIN_CHUNK_BUDGET);
        SectionReader r = new SectionReader();
        int fds = 0;
        for (SectionChunk c : chunks) {
            r.feed(c.kind(), c.payload());
            ImageEvent ev;
            while ((ev = r.next()) != null) {
                if (ev == ImageEvent.FD) {
                    fds++;
                    assertTrue(r.hasOpenFile());
                    assertEquals(r.fdEntry().objref(), r.openFile().objref());
                }
            }
        }
        assertEquals(7 + 5 + 4, fds);
    }

    @Test
    void payloadsAreCheckedForKindAndOrder() throws Exception {
        List<SectionChunk> chunks = encode(SampleImages.golden(), 1 << 16);
        assertEquals(3, chunks.size());
        SectionReader r = new SectionReader();
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> r.feed(SectionKind.TASKS, chunks.get(1).payload()));
        assertEquals("chunk kind", e.field());

        SectionReader r2 = new SectionReader();
        r2.feed(SectionKind.BEGIN, chunks.get(0).payload());
        while (r2.next() != null) { }
        r2.feed(SectionKind.TASKS, chunks.get(2).payload());   // TAIL sent as TASKS
        e = assertThrows(ImageFormatException.class, () -> { while (r2.next() != null) { } });
        assertEquals(RecordType.TAIL, e.recordType());
        assertEquals("type", e.field());
        assertEquals(chunks.get(0).payload().length, e.offset());
    }

    @Test
    void aRecordCutByAChunkEndIsAnError() throws Exception {
        List<SectionChunk> chunks = encode(SampleImages.golden(), 1 << 16);
        SectionReader r = new SectionReader();
        r.feed(SectionKind.BEGIN, chunks.get(0).payload());
        while (r.next() != null) { }
        byte[] tasks = chunks.get(1).payload();
        r.feed(SectionKind.TASKS, java.util.Arrays.copyOf(tasks, tasks.length - 3));
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> { while (r.next() != null) { } });
        assertEquals(RecordType.FILES, e.recordType()); // the last task has no fds
        assertEquals("payload", e.field());
    }

    @Test
    void corruptedPayloadsGiveTypedErrorsOnly() throws Exception {
        RandomImages gen = new RandomImages(11);
        Random rnd = new Random(11);
        for (int i = 0; i < 300; i++) {
            List<SectionChunk> chunks = encode(gen.next(false), SectionWriter.MIN_CHUNK_BUDGET + rnd.nextInt(3000));
            int victim = rnd.nextInt(chunks.size());
            byte[] p = chunks.get(victim).payload().clone();
            if (p.length == 0) continue;
            switch (rnd.nextInt(3)) {
                case 0 -> p[rnd.nextInt(p.length)] ^= (byte) (1 + rnd.nextInt(255));
                case 1 -> p = java.util.Arrays.copyOf(p, rnd.nextInt(p.length));
                default -> {
                    int at = rnd.nextInt(p.length);
                    for (int k = at; k < Math.min(p.length, at + 16); k++) p[k] = (byte) rnd.nextInt();
                }
            }
            List<SectionChunk> bad = new ArrayList<>(chunks);
            SectionChunk c = chunks.get(victim);
            bad.set(victim, new SectionChunk(c.kind(), p, c.recordCount(), c.taskCount(), c.fdCount()));
            try {
                decode(bad);
            } catch (ImageFormatException expected) {
                assertTrue(expected.getMessage().startsWith("offset "), expected.getMessage());
            } catch (AssertionError incomplete) {
                // decode() asserts completeness; a cut at a record boundary of a TASKS chunk is
                // only noticed at END (TAIL where a task was due), which is a format error too
                throw new AssertionError("corruption neither detected nor harmless: case " + i, incomplete);
            } catch (Throwable t) {
                throw new AssertionError("not a typed format error: case " + i, t);
            }
        }
    }
}
