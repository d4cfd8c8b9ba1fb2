package io.fleetckpt.aggregator.resolve;

import io.fleetckpt.aggregator.reassemble.CompleteStream;
import io.fleetckpt.aggregator.reassemble.StreamKey;
import io.fleetckpt.aggregator.simulate.SimulatedHost;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.section.SectionChunk;
import io.fleetckpt.format.section.SectionWriter;
import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.StreamTotals;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The fast (copying) path and the general (model) path must give the same image bytes. */
class StreamResolverTest {
    private final StreamResolver resolver = new StreamResolver(FormatOptions.DEFAULT);

    /** One task section per TASKS chunk (flushed after each task), so the chunks can be reordered. */
    private static List<SectionChunk> sections(Image image, int budget, boolean chunkPerTask) throws IOException {
        List<SectionChunk> tasks = new ArrayList<>();
        SectionWriter w = new SectionWriter(budget, tasks::add, FormatOptions.DEFAULT);
        SectionChunk begin = w.begin(image.header(), image.tasks().stream().map(Task::info).toList());
        for (Task t : image.tasks()) {
            w.writeTask(t, image.openFiles()::get);
            if (chunkPerTask) w.flush();
        }
        SectionChunk end = w.end();
        List<SectionChunk> all = new ArrayList<>();
        all.add(begin);
        all.addAll(tasks);
        all.add(end);
        return all;
    }

    private static CompleteStream stream(List<SectionChunk> chunks) {
        List<RecordChunk> out = new ArrayList<>();
        long tasks = 0, fds = 0, bytes = 0;
        for (int i = 0; i < chunks.size() - 1; i++) {
            SectionChunk c = chunks.get(i);
            tasks += c.taskCount();
            fds += c.fdCount();
            bytes += c.payload().length;
            out.add(chunk(i, i == 0 ? ChunkKind.BEGIN : ChunkKind.TASKS, c, null));
        }
        StreamTotals t = StreamTotals.newBuilder().setChunks(out.size()).setRecords(0).setTasks((int) tasks).setFds(fds)
                .setOpenFiles(0).setPayloadBytes(bytes).setSha256("").setCapturedAtMs(0).setFrozen(false).setFrozenWindowUs(0).build();
        RecordChunk end = chunk(out.size(), ChunkKind.END, chunks.get(chunks.size() - 1), t);
        return new CompleteStream(new StreamKey("ck", "h"), "run", out, end);
    }

    private static RecordChunk chunk(long seq, ChunkKind kind, SectionChunk c, StreamTotals totals) {
        return new RecordChunk("ck", "h", "run", seq, kind, ByteBuffer.wrap(c.payload()), 0L, c.recordCount(),
                c.taskCount(), c.fdCount(), totals, null);
    }

    private static Image sharedTables() {
        Map<Integer, OpenFile> files = Map.of(
                7, new OpenFile(7, FdType.CHR, 0x0f, 2, 0, 0, RawBytes.ofUtf8("/dev/null")),
                9, new OpenFile(9, FdType.FILE, 0x0f, 0x402, 123, 0, RawBytes.ofUtf8("/var/log/app.log")));
        List<FdEntry> shared = List.of(new FdEntry(0, false, 7), new FdEntry(3, true, 9));
        return Image.of(SimulatedHost.image(0, 1, 3).header(), List.of(
                new Task(new TaskInfo(10, 10, 1, RawBytes.ofUtf8("parent"), 1, 0, 0, 17), 0, List.of(new FdEntry(0, false, 7))),
                new Task(new TaskInfo(11, 11, 10, RawBytes.ofUtf8("a"), 1, 0, 0, 17), 50, shared),
                new Task(new TaskInfo(12, 12, 10, RawBytes.ofUtf8("b"), 1, 0, 0, 17), 50, shared)), files);
    }

    @Test
    void fastPathGivesTheBytesOfTheGeneralPath() throws IOException {
        for (Image model : List.of(SimulatedHost.image(1, 1, 3), SimulatedHost.image(2, 7, 90), SimulatedHost.image(3, 40, 200), sharedTables())) {
            for (int budget : new int[] {SectionWriter.MIN_CHUNK_BUDGET, 256 * 1024}) {
                CompleteStream s = stream(sections(model, budget, false));
                EncodedImage fast = new InOrderTranscoder(FormatOptions.DEFAULT).transcode(s);
                assertNotNull(fast, "an in-order stream takes the fast path");
                byte[] general = ImageWriter.toBytes(resolver.resolveModel(s));
                assertArrayEquals(general, fast.bytes());
                assertArrayEquals(ImageWriter.toBytes(ImageReader.readImage(ImageWriter.toBytes(model))), fast.bytes());
                EncodedImage viaModel = resolver.encode(resolver.resolveModel(s));
                assertEquals(viaModel.tasks(), fast.tasks());
                assertEquals(viaModel.fds(), fast.fds());
                assertEquals(viaModel.openFiles(), fast.openFiles());
                assertEquals(viaModel.tables(), fast.tables());
                assertEquals(ImageReader.readImage(fast.bytes()).openFiles().size(), fast.openFiles());
                // the fast path's image is stored without a read-back: it must be what the reader accepts
                assertTrue(fast.validated(), "copied records the section reader validated");
                assertFalse(viaModel.validated(), "an image encoded from the model is read back before it is stored");
            }
        }
    }

    @Test
    void aReusedBufferGivesEachImageItsOwnBytes() throws IOException {
        ImageBuffer buffer = new ImageBuffer();
        InOrderTranscoder fast = new InOrderTranscoder(FormatOptions.DEFAULT);
        // large, small, then large again with more objrefs than the first: the table grows mid-image
        for (Image model : List.of(SimulatedHost.image(7, 30, 150), SimulatedHost.image(8, 2, 5), SimulatedHost.image(9, 60, 300))) {
            CompleteStream s = stream(sections(model, SectionWriter.MIN_CHUNK_BUDGET, false));
            byte[] alone = fast.transcode(s).bytes();
            EncodedImage reused = fast.transcode(s, buffer);
            assertEquals(alone.length, reused.length());
            assertArrayEquals(alone, java.util.Arrays.copyOf(reused.bytes(), reused.length()));
            assertArrayEquals(alone, resolver.resolve(s, buffer).exact().bytes());
        }
    }

    @Test
    void sectionsOutOfTreeOrderFallBackToTheModelAndGiveTheSameBytes() throws IOException {
        Image model = SimulatedHost.image(5, 6, 30);
        List<SectionChunk> inOrder = sections(model, 64 * 1024, true);
        byte[] expected = resolver.resolve(stream(inOrder)).bytes();
        for (long seed = 1; seed <= 5; seed++) {
            List<SectionChunk> tasks = new ArrayList<>(inOrder.subList(1, inOrder.size() - 1));
            Collections.shuffle(tasks, new Random(seed));
            List<SectionChunk> shuffled = new ArrayList<>();
            shuffled.add(inOrder.get(0));
            shuffled.addAll(tasks);
            shuffled.add(inOrder.get(inOrder.size() - 1));
            CompleteStream s = stream(shuffled);
            if (!tasks.equals(inOrder.subList(1, inOrder.size() - 1))) {
                assertNull(new InOrderTranscoder(FormatOptions.DEFAULT).transcode(s), "seed " + seed);
            }
            assertArrayEquals(expected, resolver.resolve(s).bytes(), "seed " + seed);
        }
    }

    @Test
    void aRepeatedObjrefWithOtherDataIsRefusedByBothPaths() throws IOException {
        Image model = SimulatedHost.image(6, 2, 12);
        List<SectionChunk> chunks = sections(model, 64 * 1024, true);
        // the second task's stdin FD_DATA (a repeat of objref 1) gets another position
        SectionChunk second = chunks.get(2);
        byte[] p = second.payload().clone();
        ByteBuffer b = ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (b.getShort(at) != 303) at += 8 + b.getShort(at + 2);
        b.putLong(at + 8 + 8, 4242);
        chunks.set(2, new SectionChunk(second.kind(), p, second.recordCount(), second.taskCount(), second.fdCount()));
        CompleteStream s = stream(chunks);
        assertNull(new InOrderTranscoder(FormatOptions.DEFAULT).transcode(s));
        StreamFormatException e = assertThrows(StreamFormatException.class, () -> resolver.resolve(s));
        assertTrue(e.getMessage().contains("describes a different open file"), e.getMessage());
    }
}
