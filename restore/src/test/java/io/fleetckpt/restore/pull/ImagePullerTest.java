package io.fleetckpt.restore.pull;

import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.restore.testing.Images;
import io.fleetckpt.restore.testing.StoreFixture;
import io.fleetckpt.store.FileSystemImageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ImagePullerTest {
    @TempDir
    Path tmp;

    private final Image a = Images.task(10).fd(3, FdType.FILE, "/var/log/a", 02001, 4096).share(4, 1, true).build();
    private final Image b = Images.task(20).fd(0, FdType.CHR, "/dev/null", 0, 0).build();

    @Test
    void pullsEveryStoredHostVerifiedAndLoadsTheModel() throws Exception {
        FileSystemImageStore store = StoreFixture.store(tmp.resolve("store"), "ck-1", "web-1", a, "web-2", b);
        List<StoredImageRef> refs = StoredImageRef.find(store, "ck-1", null);
        assertEquals(List.of("web-1", "web-2"), refs.stream().map(StoredImageRef::hostId).toList(), "the failed host has no image");
        ImagePuller puller = new ImagePuller(store);
        List<Long> progress = new ArrayList<>();
        Path out = tmp.resolve("out");
        Path f = puller.pull(refs.get(0), out, (r, done, total) -> progress.add(done));
        assertEquals(out.resolve("ck-1-web-1.img"), f);
        assertArrayEquals(ImageWriter.toBytes(a), Files.readAllBytes(f));
        assertEquals(Files.size(f), progress.get(progress.size() - 1));
        assertEquals(a, puller.load(refs.get(0)));
    }

    @Test
    void alteredStoredBytesFailNamingTheImageAndLeaveNothingInOutdir() throws Exception {
        FileSystemImageStore store = StoreFixture.store(tmp.resolve("store"), "ck-2", "web-1", a);
        StoredImageRef ref = StoredImageRef.find(store, "ck-2", "web-1").get(0);
        Path blob = store.blobFile(ref.image().sha256());
        blob.toFile().setWritable(true);
        try (RandomAccessFile raf = new RandomAccessFile(blob.toFile(), "rw")) {
            raf.seek(40);
            int v = raf.read();
            raf.seek(40);
            raf.write(v ^ 0xff);
        }
        Path out = tmp.resolve("out");
        PullException e = assertThrows(PullException.class, () -> new ImagePuller(store).pull(ref, out, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("checkpoint ck-2 host web-1 (sha256:" + ref.image().sha256() + ")"), e.getMessage());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(), s.toList(), "no half-written or unverified file in OUTDIR");
        }
        assertThrows(PullException.class, () -> new ImagePuller(store).load(ref));
    }

    @Test
    void missingCheckpointOrHostIsNamed() throws Exception {
        FileSystemImageStore store = StoreFixture.store(tmp.resolve("store"), "ck-3", "web-1", a);
        assertEquals("no checkpoint nope in the store " + tmp.resolve("store").toAbsolutePath().normalize(),
                assertThrows(PullException.class, () -> StoredImageRef.find(store, "nope", null)).getMessage());
        assertTrue(assertThrows(PullException.class, () -> StoredImageRef.find(store, "ck-3", "web-7")).getMessage()
                .contains("has no host web-7 (hosts: web-1, web-9)"));
        assertTrue(assertThrows(PullException.class, () -> StoredImageRef.find(store, "ck-3", "web-9")).getMessage()
                .contains("host web-9 has no image: FAILED (deadline passed: no END)"));
    }
}
