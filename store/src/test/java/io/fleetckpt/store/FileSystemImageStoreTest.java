package io.fleetckpt.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class FileSystemImageStoreTest {
    @TempDir
    Path dir;

    @Test
    void anOutboxIsKeptUntilDeletedAndAClaimLeavesItsLiveWriterAFreshFile() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        store.writeOutbox("w1", "one".getBytes(StandardCharsets.UTF_8));
        store.writeOutbox("w1", "one two".getBytes(StandardCharsets.UTF_8)); // replaced whole
        store.writeOutbox("w2", "three".getBytes(StandardCharsets.UTF_8));
        var claimed = new FileSystemImageStore(dir).claimOutboxes("w3");
        assertEquals(List.of("one two", "three"), claimed.values().stream().map(b -> new String(b, StandardCharsets.UTF_8)).sorted().toList());
        assertTrue(claimed.keySet().stream().allMatch(k -> k.startsWith("w3-claimed-")), claimed.keySet().toString());
        // w1 is alive: what it writes next is a new file, not lost in the claimed one
        store.writeOutbox("w1", "four".getBytes(StandardCharsets.UTF_8));
        store.deleteOutbox("w2"); // claimed already: nothing to delete, no error
        for (String k : claimed.keySet()) store.deleteOutbox(k);
        var left = store.claimOutboxes("w4");
        assertEquals(List.of("four"), left.values().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
        assertThrows(IllegalArgumentException.class, () -> store.writeOutbox("../x", new byte[0]));
    }

    @Test
    void blobIsNamedByItsDigestAndStoringItTwiceIsANoOp() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        byte[] bytes = "an image".getBytes(StandardCharsets.US_ASCII);
        StoredBlob first = store.putBlob(bytes);
        StoredBlob second = store.putBlob(bytes);

        assertEquals(Sha256.hex(bytes), first.sha256());
        assertEquals(first, second);
        assertEquals("blobs/sha256/" + first.sha256().substring(0, 2) + "/" + first.sha256(), first.path());
        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve(first.path())));
        try (Stream<Path> left = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, left.count(), "temp files are cleaned up");
        }
        try (InputStream in = store.openBlob(first.sha256())) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
    }

    @Test
    void stagedBlobIsTheSameBlobAndItsDirectoriesWaitForTheBatchSync() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        byte[] bytes = "a staged image".getBytes(StandardCharsets.US_ASCII);
        StoredBlob staged = store.stageBlob(bytes);

        assertEquals(Sha256.hex(bytes), staged.sha256());
        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve(staged.path())));
        Path prefixDir = dir.resolve(staged.path()).getParent();
        assertEquals(java.util.Set.of(prefixDir, prefixDir.getParent()), store.unsyncedDirectories(),
                "the new prefix directory and the entry in it wait for the batch");

        store.syncStagedBlobs();
        assertEquals(java.util.Set.of(), store.unsyncedDirectories());
        // staging existing content again still syncs its directory with the next batch (a racing
        // writer may have linked it without syncing yet), and is otherwise a no-op
        assertEquals(staged, store.stageBlob(bytes));
        assertEquals(java.util.Set.of(prefixDir), store.unsyncedDirectories());
        assertEquals(staged, store.putBlob(bytes));
        try (Stream<Path> left = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, left.count(), "temp files are cleaned up");
        }
    }

    @Test
    void wholeBlobsWrittenDirectlyHoldExactlyTheirBytesWhateverTheirSizeAgainstTheBlockSize() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        String fs = Files.getFileStore(dir).type();
        if (List.of("ext4", "xfs", "tmpfs").contains(fs)) assertTrue(store.writesDirect(), fs + " takes O_DIRECT");
        int slice = DirectFileWrite.SLICE;
        java.util.Random random = new java.util.Random(7);
        for (int size : new int[] {0, 1, 511, 4095, 4096, 4097, slice - 1, slice, slice + 1, 2 * slice + slice / 2 + 123}) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            StoredBlob blob = size % 2 == 0 ? store.stageBlob(bytes) : store.putBlob(bytes);
            assertEquals(Sha256.hex(bytes), blob.sha256(), "size " + size);
            assertEquals(size, blob.sizeBytes());
            assertArrayEquals(bytes, Files.readAllBytes(dir.resolve(blob.path())), "size " + size);
        }
        // a prefix of a longer buffer (one the caller reuses)
        byte[] buffer = new byte[3 * slice];
        random.nextBytes(buffer);
        int length = slice + 4097;
        StoredBlob prefix = store.stageBlob(buffer, length);
        assertArrayEquals(java.util.Arrays.copyOf(buffer, length), Files.readAllBytes(dir.resolve(prefix.path())));
        assertEquals(Sha256.hex(java.util.Arrays.copyOf(buffer, length)), prefix.sha256());
        try (Stream<Path> left = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, left.count(), "temp files are cleaned up");
        }
    }

    @Test
    void whenDirectWritesFailTheBlobIsWrittenTheOrdinaryWayFromThenOn() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        int[] attempts = {0};
        store.writeDirectWith(new DirectFileWrite(4096) {
            @Override
            void writeAndSync(Path file, byte[] bytes, int length) throws IOException {
                attempts[0]++;
                Files.write(file, new byte[] {1, 2});
                throw new IOException(file + ": Invalid argument");
            }
        });
        byte[] bytes = "no O_DIRECT here".getBytes(StandardCharsets.US_ASCII);
        StoredBlob blob = store.stageBlob(bytes);

        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve(blob.path())));
        assertEquals(1, attempts[0]);
        assertFalse(store.writesDirect(), "direct I/O is not tried again");
        store.putBlob(new byte[] {5});
        assertEquals(1, attempts[0]);
        try (Stream<Path> left = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, left.count(), "the half-written temp file is removed");
        }
    }

    @Test
    void damagedBlobFailsVerificationAtEndOfStream() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        StoredBlob blob = store.putBlob(new byte[] {1, 2, 3, 4});
        Path file = dir.resolve(blob.path());
        file.toFile().setWritable(true);
        Files.write(file, new byte[] {1, 2, 3, 5});

        try (InputStream in = store.openBlob(blob.sha256())) {
            BlobIntegrityException e = assertThrows(BlobIntegrityException.class, in::readAllBytes);
            assertEquals(blob.sha256(), e.expectedSha256());
            assertEquals(Sha256.hex(new byte[] {1, 2, 3, 5}), e.actualSha256());
        }
    }

    @Test
    void missingBlobIsATypedError() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        String absent = "0".repeat(64);
        StoreException e = assertThrows(StoreException.class, () -> store.openBlob(absent));
        assertTrue(e.getMessage().contains(absent), e.getMessage());
    }

    @Test
    void uncommittedWriterLeavesNothing() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        try (BlobWriter w = store.newBlob()) {
            w.write(new byte[100]);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(0, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void manifestRoundTripsAndIsReplacedWhole() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        StoredBlob blob = store.putBlob(new byte[] {9});
        ImageEntry image = new ImageEntry(blob.sha256(), 1, blob.path(), 3, 12, 7, 1_700_000_000_000L,
                true, 850, "run-1", null);
        CheckpointManifest m = CheckpointManifest.inProgress("ckpt-1", 10, 20,
                List.of(HostEntry.pending("web-2"), HostEntry.stored("web-1", image)));
        store.writeManifest(m);

        CheckpointManifest read = store.readManifest("ckpt-1").orElseThrow();
        assertEquals(m, read);
        assertEquals(List.of("web-1", "web-2"), read.hosts().stream().map(HostEntry::hostId).toList());
        assertEquals(CheckpointStatus.PARTIAL, read.outcome());

        CheckpointManifest done = read.withHost(HostEntry.failed("web-2", "deadline passed"))
                .withStatus(CheckpointStatus.PARTIAL, 30L);
        store.writeManifest(done);
        assertEquals(done, store.readManifest("ckpt-1").orElseThrow());
        assertEquals(List.of("ckpt-1"), store.listCheckpoints());
        assertTrue(store.readManifest("ckpt-2").isEmpty());
    }

    @Test
    void idsThatCouldEscapeTheStoreAreRejected() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        for (String bad : List.of("..", "../x", "a/b", ".hidden", "", "a\nb", "x".repeat(129))) {
            assertThrows(IllegalArgumentException.class, () -> store.readManifest(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> HostEntry.pending(bad), bad);
        }
    }

    @Test
    void hostileManifestIsATypedErrorNamingTheFile() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        Path file = store.manifestFile("ckpt-9");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"formatVersion\":1,\"checkpointId\":\"ckpt-9\",\"status\":\"STORED\","
                + "\"requestedAtMs\":0,\"deadlineMs\":0,\"hosts\":[{\"hostId\":\"../../etc\",\"status\":\"FAILED\"}]}");
        StoreException e = assertThrows(StoreException.class, () -> store.readManifest("ckpt-9"));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("invalid host id"), e.getMessage());

        Files.writeString(file, "{\"formatVersion\":1,\"checkpointId\":\"other\",\"status\":\"STORED\","
                + "\"requestedAtMs\":0,\"deadlineMs\":0,\"hosts\":[]}");
        StoreException wrongId = assertThrows(StoreException.class, () -> store.readManifest("ckpt-9"));
        assertTrue(wrongId.getMessage().contains("names checkpoint other"), wrongId.getMessage());
    }

    @Test
    void aManifestOverTheBoundIsRefusedUnreadNamingTheFile() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        Path file = store.manifestFile("ckpt-big");
        Files.createDirectories(file.getParent());
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(1L << 30); // sparse: what a damaged or hostile store may hold
        }
        StoreException e = assertThrows(StoreException.class, () -> store.readManifest("ckpt-big"));
        assertEquals(file + ": manifest of 1073741824 bytes exceeds the bound of 67108864 (64 MiB, room for 100000 hosts):"
                + " damaged or not written by fleetckpt", e.getMessage());
    }

    @Test
    void aManifestClaimingAnImageOverTheBoundIsRefused() throws IOException {
        FileSystemImageStore store = new FileSystemImageStore(dir);
        Path file = store.manifestFile("ckpt-8");
        Files.createDirectories(file.getParent());
        String sha = "ab".repeat(32);
        Files.writeString(file, "{\"formatVersion\":1,\"checkpointId\":\"ckpt-8\",\"status\":\"STORED\",\"requestedAtMs\":0,"
                + "\"deadlineMs\":0,\"hosts\":[{\"hostId\":\"h\",\"status\":\"STORED\",\"image\":{\"sha256\":\"" + sha
                + "\",\"sizeBytes\":1073741825,\"path\":\"blobs/sha256/ab/" + sha + "\",\"taskCount\":1,\"fdCount\":1,"
                + "\"openFileCount\":1,\"capturedAtMs\":0,\"frozen\":true,\"frozenWindowUs\":0}}]}");
        StoreException e = assertThrows(StoreException.class, () -> store.readManifest("ckpt-8"));
        assertTrue(e.getMessage().startsWith(file + ": invalid manifest: image sha256:" + sha + " of 1073741825 bytes exceeds"),
                e.getMessage());
    }
}
