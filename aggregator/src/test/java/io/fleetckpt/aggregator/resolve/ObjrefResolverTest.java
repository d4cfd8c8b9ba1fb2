package io.fleetckpt.aggregator.resolve;

import io.fleetckpt.aggregator.StreamMessages;
import io.fleetckpt.aggregator.reassemble.ChunkOutcome;
import io.fleetckpt.aggregator.reassemble.CompleteStream;
import io.fleetckpt.aggregator.reassemble.Reassembler;
import io.fleetckpt.aggregator.reassemble.ReassemblyLimits;
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
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Resolution of host-stream sections into the image, from real encoded streams. */
class ObjrefResolverTest {
    private static CompleteStream completed(Image image) {
        Reassembler r = new Reassembler(ReassemblyLimits.DEFAULT, k -> false);
        long off = 0;
        for (StreamMessages.Msg m : StreamMessages.publish("ck", "h", "run", image)) {
            if (r.accept(m.chunk(), off++) instanceof ChunkOutcome.Completed c) return c.stream();
        }
        throw new AssertionError("stream did not complete");
    }

    private static ParsedStream parsed(Image image) throws IOException {
        return new HostStreamParser(FormatOptions.DEFAULT).parse(completed(image));
    }

    /** What the image of {@code model} must decode to: objrefs renumbered in first-seen order. */
    private static Image canonical(Image model) throws IOException {
        return ImageReader.readImage(ImageWriter.toBytes(model));
    }

    @Test
    void sectionsInAnyOrderResolveToTheSameImage() throws IOException {
        Image model = SimulatedHost.image(3, 6, 40);
        ParsedStream p = parsed(model);
        Image expected = canonical(model);
        assertEquals(expected, new ObjrefResolver().resolve(p));
        for (long seed = 1; seed <= 10; seed++) {
            List<TaskSection> shuffled = new ArrayList<>(p.sections());
            Collections.shuffle(shuffled, new Random(seed));
            assertEquals(expected, new ObjrefResolver().resolve(new ParsedStream(p.header(), p.tree(), shuffled)), "seed " + seed);
        }
    }

    @Test
    void anyStreamObjrefNumberingResolvesToFirstSeenOrder() throws IOException {
        Image model = SimulatedHost.image(4, 3, 30);
        ParsedStream p = parsed(model);
        // an agent may number objrefs any way it likes as long as equal means same open file
        List<TaskSection> renumbered = new ArrayList<>();
        for (TaskSection s : p.sections()) {
            List<StreamFd> fds = new ArrayList<>();
            for (StreamFd fd : s.fds()) {
                int ref = 100_000 - fd.entry().objref() * 3;
                OpenFile f = fd.file();
                fds.add(new StreamFd(new FdEntry(fd.entry().fd(), fd.entry().closeOnExec(), ref),
                        new OpenFile(ref, f.type(), f.mode(), f.flags(), f.pos(), f.version(), f.path()), fd.streamOffset()));
            }
            renumbered.add(new TaskSection(s.pid(), s.task(), s.comm(), s.tableRef(), fds, s.streamOffset()));
        }
        Collections.reverse(renumbered);
        Image resolved = new ObjrefResolver().resolve(new ParsedStream(p.header(), p.tree(), renumbered));
        assertEquals(canonical(model), resolved);
        assertEquals(1, resolved.tasks().get(0).fds().get(0).objref(), "objrefs start at 1");
    }

    @Test
    void sharedTablesAndForkSharingSurviveResolution() throws IOException {
        RawBytes dev = RawBytes.ofUtf8("/dev/null");
        Map<Integer, OpenFile> files = Map.of(
                7, new OpenFile(7, FdType.CHR, 0x0f, 2, 0, 0, dev),
                9, new OpenFile(9, FdType.FILE, 0x0f, 0x402, 123, 0, RawBytes.ofUtf8("/var/log/app.log")),
                11, new OpenFile(11, FdType.FIFO, 0x01, 0, 0, 0, RawBytes.ofUtf8("pipe:[99]")));
        List<FdEntry> shared = List.of(new FdEntry(0, false, 7), new FdEntry(3, true, 9));
        Image model = Image.of(SimulatedHost.image(0, 1, 3).header(), List.of(
                new Task(new TaskInfo(10, 10, 1, RawBytes.ofUtf8("parent"), 1, 0, 0, 17), 0, List.of(new FdEntry(0, false, 7), new FdEntry(4, false, 11))),
                new Task(new TaskInfo(11, 11, 10, RawBytes.ofUtf8("clone-a"), 1, 0, 0, 17), 50, shared),
                new Task(new TaskInfo(12, 12, 10, RawBytes.ofUtf8("clone-b"), 1, 0, 0, 17), 50, shared)), files);
        Image resolved = new ObjrefResolver().resolve(parsed(model));
        assertEquals(canonical(model), resolved);
        assertEquals(resolved.tasks().get(1).tableRef(), resolved.tasks().get(2).tableRef());
        assertNotEquals(0, resolved.tasks().get(1).tableRef());
        assertEquals(resolved.tasks().get(0).fds().get(0).objref(), resolved.tasks().get(1).fds().get(0).objref(),
                "/dev/null inherited across fork is one open file");
    }

    @Test
    void oneObjrefNamingTwoDifferentFilesIsAnErrorWithItsOffset() throws IOException {
        ParsedStream p = parsed(SimulatedHost.image(1, 2, 20));
        TaskSection second = p.sections().get(1);
        StreamFd stdin = second.fds().get(0);
        OpenFile f = stdin.file();
        List<StreamFd> fds = new ArrayList<>(second.fds());
        fds.set(0, new StreamFd(stdin.entry(), new OpenFile(f.objref(), f.type(), f.mode(), f.flags(), f.pos() + 1, f.version(), f.path()),
                stdin.streamOffset()));
        List<TaskSection> sections = List.of(p.sections().get(0),
                new TaskSection(second.pid(), second.task(), second.comm(), second.tableRef(), fds, second.streamOffset()));
        StreamFormatException e = assertThrows(StreamFormatException.class,
                () -> new ObjrefResolver().resolve(new ParsedStream(p.header(), p.tree(), sections)));
        assertEquals(stdin.streamOffset(), e.streamOffset());
        assertTrue(e.getMessage().contains("describes a different open file"), e.getMessage());
    }

    @Test
    void treeAndSectionsMustMatch() throws IOException {
        ParsedStream p = parsed(SimulatedHost.image(2, 3, 10));
        StreamFormatException missing = assertThrows(StreamFormatException.class,
                () -> new ObjrefResolver().resolve(new ParsedStream(p.header(), p.tree(), p.sections().subList(0, 2))));
        assertTrue(missing.getMessage().contains("TREE lists pid 1002 but no task section"), missing.getMessage());
        List<TaskSection> twice = new ArrayList<>(p.sections());
        twice.add(p.sections().get(1));
        StreamFormatException dup = assertThrows(StreamFormatException.class,
                () -> new ObjrefResolver().resolve(new ParsedStream(p.header(), p.tree(), twice)));
        assertTrue(dup.getMessage().contains("second task section for pid 1001"), dup.getMessage());
        StreamFormatException unknown = assertThrows(StreamFormatException.class,
                () -> new ObjrefResolver().resolve(new ParsedStream(p.header(), p.tree().subList(0, 2), p.sections())));
        assertTrue(unknown.getMessage().contains("which TREE does not list"), unknown.getMessage());
    }
}
