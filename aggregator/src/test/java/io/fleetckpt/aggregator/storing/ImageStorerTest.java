package io.fleetckpt.aggregator.storing;

import io.fleetckpt.aggregator.reassemble.CompleteStream;
import io.fleetckpt.aggregator.reassemble.StreamKey;
import io.fleetckpt.aggregator.resolve.EncodedImage;
import io.fleetckpt.aggregator.resolve.StreamResolver;
import io.fleetckpt.aggregator.simulate.SimulatedHost;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.StreamTotals;
import io.fleetckpt.store.FileSystemImageStore;
import io.fleetckpt.store.ImageEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ImageStorerTest {
    @TempDir
    Path dir;

    private static CompleteStream stream() {
        StreamTotals t = StreamTotals.newBuilder().setChunks(0).setRecords(0).setTasks(2).setFds(10).setOpenFiles(0)
                .setPayloadBytes(0).setSha256("").setCapturedAtMs(1).setFrozen(true).setFrozenWindowUs(5).build();
        RecordChunk end = new RecordChunk("ck", "h", "run", 1L, ChunkKind.END, ByteBuffer.allocate(0), 0L, 0, 0, 0, t, null);
        return new CompleteStream(new StreamKey("ck", "h"), "run", List.of(), end);
    }

    private static long blobs(Path store) throws IOException {
        try (Stream<Path> s = Files.walk(store.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void anEncodedImageThatDoesNotReadBackIsNeverStored() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        ImageStorer storer = new ImageStorer(store, FormatOptions.DEFAULT);
        Image model = SimulatedHost.image(1, 2, 5);
        EncodedImage good = new StreamResolver(FormatOptions.DEFAULT).encode(model);
        assertFalse(good.validated(), "encoded from the model: read back before storing");

        // the same image without its TAIL, in a buffer longer than the image
        byte[] buffer = Arrays.copyOf(good.bytes(), good.length() + 100);
        EncodedImage cut = new EncodedImage(buffer, good.length() - 16, good.tasks(), good.fds(), good.openFiles(),
                good.tables(), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> storer.store(stream(), cut));
        assertTrue(e.getMessage().contains("does not validate") && e.getMessage().contains("TAIL"), e.getMessage());
        assertEquals(0, blobs(dir));

        EncodedImage whole = new EncodedImage(buffer, good.length(), good.tasks(), good.fds(), good.openFiles(),
                good.tables(), false);
        ImageEntry entry = storer.store(stream(), whole);
        assertEquals(good.length(), entry.sizeBytes());
        try (InputStream in = store.openBlob(entry.sha256())) {
            assertArrayEquals(ImageWriter.toBytes(model), in.readAllBytes(), "only the image's bytes, not the buffer's");
        }
    }
}
