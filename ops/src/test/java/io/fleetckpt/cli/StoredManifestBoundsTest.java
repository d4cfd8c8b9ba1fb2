package io.fleetckpt.cli;

import io.fleetckpt.format.model.FdType;
import io.fleetckpt.restore.testing.Images;
import io.fleetckpt.restore.testing.StoreFixture;
import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.CheckpointStatus;
import io.fleetckpt.store.FileSystemImageStore;
import io.fleetckpt.store.HostEntry;
import io.fleetckpt.store.ImageEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Stored manifests are untrusted: one over the size bound, or one too big for the heap of the
 * JVM reading it, is a one-line error naming the file in images, pull and restore --store.
 */
class StoredManifestBoundsTest {
    @TempDir
    Path tmp;

    private Path storeWithGoodCheckpoint() throws Exception {
        Path f = Files.write(tmp.resolve("data.txt"), new byte[8]);
        StoreFixture.store(tmp.resolve("store"), "ck-good", "web-1", Images.task(5).fd(3, FdType.FILE, f.toString(), 0, 1).build());
        return tmp.resolve("store");
    }

    @Test
    void aManifestOverTheBoundIsAOneLineErrorEverywhere() throws Exception {
        Path store = storeWithGoodCheckpoint();
        Path file = store.resolve("checkpoints/ck-huge/manifest.json");
        Files.createDirectories(file.getParent());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(1L << 30);
        }
        String why = file + ": manifest of 1073741824 bytes exceeds the bound";
        CliRun images = CliRun.of("images", "--store", store.toString());
        assertEquals(2, images.code());
        assertTrue(images.out().contains("ck-good  PARTIAL"), images.out());
        assertTrue(images.out().contains("ck-huge  UNREADABLE  " + why), images.out());
        CliRun pull = CliRun.of("pull", "ck-huge", "--store", store.toString(), "-o", tmp.resolve("out").toString());
        assertEquals(2, pull.code());
        assertTrue(pull.err().startsWith("fleetckpt pull: error: " + why) && pull.err().lines().count() == 1, pull.err());
        CliRun restore = CliRun.of("restore", "--store", store.toString(), "--checkpoint", "ck-huge", "--host", "h", "--dry-run");
        assertEquals(2, restore.code());
        assertTrue(restore.err().startsWith("fleetckpt restore: error: " + why) && restore.err().lines().count() == 1, restore.err());
    }

    @Test
    void aManifestTooBigForTheHeapIsAOneLineErrorNotAStackTrace() throws Exception {
        Path store = storeWithGoodCheckpoint();
        // 90,000 hosts: within the bound (49 MB as the aggregator writes it), but more than
        // a 48 MiB heap can hold once parsed
        List<HostEntry> hosts = new ArrayList<>();
        for (int i = 0; i < 90_000; i++) {
            String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Integer.toString(i).getBytes(StandardCharsets.US_ASCII)));
            hosts.add(HostEntry.stored(String.format("host-%06d.example.internal", i), new ImageEntry(sha, 18_432,
                    "blobs/sha256/" + sha.substring(0, 2) + "/" + sha, 3, 41, 29, 1_796_325_901_734L, true, 812,
                    String.format("host-%06d-4f3a1b2c-1234-5678-9abc-def012345678", i), null)));
        }
        new FileSystemImageStore(store).writeManifest(CheckpointManifest.inProgress("ck-wide", 1, 2, hosts)
                .withStatus(CheckpointStatus.STORED, 3L));
        Path file = store.resolve("checkpoints/ck-wide/manifest.json");
        assertTrue(Files.size(file) > 40 << 20 && Files.size(file) < 64 << 20, "within the bound: " + Files.size(file));

        String why = file + ": manifest of " + Files.size(file) + " bytes does not fit in this JVM's heap";
        Result images = smallHeap("images", "--store", store.toString());
        assertEquals(2, images.code, images.err);
        assertTrue(images.out.contains("ck-good  PARTIAL"), images.out);
        assertTrue(images.out.contains("ck-wide  UNREADABLE  " + why), images.out + images.err);
        assertFalse(images.err.contains("\tat ") || images.err.contains("OutOfMemoryError"), images.err);
        Result pull = smallHeap("pull", "ck-wide", "--store", store.toString(), "-o", tmp.resolve("out").toString());
        assertEquals(2, pull.code, pull.err);
        assertTrue(pull.err.startsWith("fleetckpt pull: error: " + why) && pull.err.lines().count() == 1, pull.err);
        Result restore = smallHeap("restore", "--store", store.toString(), "--checkpoint", "ck-wide", "--host", "h", "--dry-run");
        assertEquals(2, restore.code, restore.err);
        assertTrue(restore.err.startsWith("fleetckpt restore: error: " + why) && restore.err.lines().count() == 1, restore.err);
    }

    private record Result(int code, String out, String err) {
    }

    /** The CLI in a JVM of its own with a 48 MiB heap. */
    private Result smallHeap(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx48m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, Files.readString(err));
    }
}
