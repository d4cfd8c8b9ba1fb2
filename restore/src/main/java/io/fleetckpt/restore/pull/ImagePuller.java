package io.fleetckpt.restore.pull;

import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.store.ImageStore;
import io.fleetckpt.store.Sha256;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Copies stored images out, or loads one for restore, checking every byte against the SHA-256
 * and size in the manifest. A pulled file appears in OUTDIR only once complete and verified
 * (temp file in OUTDIR, fsync, atomic rename); on any failure the temp file is removed.
 */
public final class ImagePuller {
    /** Images are fd tables: even 100k fds encode to a few MiB. Bounds a manifest that lies. */
    public static final long MAX_IMAGE_BYTES = 1L << 30;
    private static final int CHUNK = 1 << 16;

    private final ImageStore store;

    public ImagePuller(ImageStore store) {
        this.store = store;
    }

    /** @return the file written: {@code OUTDIR/<checkpoint>-<host>.img} */
    public Path pull(StoredImageRef ref, Path outDir, ProgressListener progress) throws IOException {
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) throw new PullException("OUTDIR " + outDir + " is not a directory");
        Files.createDirectories(outDir);
        Path target = outDir.resolve(fileName(ref));
        Path tmp = Files.createTempFile(outDir, "." + fileName(ref) + ".", ".part");
        boolean done = false;
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                copyVerified(ref, out, progress);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            // the rename itself is durable only once the directory is synced
            try (FileChannel d = FileChannel.open(outDir, StandardOpenOption.READ)) {
                d.force(true);
            }
            return target;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /** Reads and decodes one stored image, verified, for restore. */
    public Image load(StoredImageRef ref) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream((int) Math.min(ref.image().sizeBytes(), 1 << 20));
        copyVerified(ref, buf, ProgressListener.NONE);
        return ImageReader.readImage(buf.toByteArray());
    }

    public static String fileName(StoredImageRef ref) {
        return ref.checkpointId() + "-" + ref.hostId() + ".img";
    }

    /**
     * Our own digest and byte count, not only the store's: the manifest is what the user asked
     * for, and a blob file replaced by other bytes must not pass because it matches itself.
     */
    private void copyVerified(StoredImageRef ref, OutputStream out, ProgressListener progress) throws IOException {
        long want = ref.image().sizeBytes();
        if (want > MAX_IMAGE_BYTES) {
            throw new PullException(ref.describe() + ": manifest size " + want + " exceeds the bound " + MAX_IMAGE_BYTES);
        }
        MessageDigest md = Sha256.newDigest();
        long n = 0;
        byte[] b = new byte[CHUNK];
        try (InputStream in = store.openBlob(ref.image().sha256())) {
            int r;
            while ((r = in.read(b)) > 0) {
                n += r;
                if (n > want) throw new PullException(ref.describe() + ": more than the " + want + " bytes the manifest lists");
                md.update(b, 0, r);
                out.write(b, 0, r);
                progress.progress(ref, n, want);
            }
        } catch (PullException e) {
            throw e;
        } catch (IOException e) {
            throw new PullException(ref.describe() + ": " + e.getMessage(), e);
        }
        String got = java.util.HexFormat.of().formatHex(md.digest());
        if (n != want || !got.equals(ref.image().sha256())) {
            throw new PullException(ref.describe() + ": stored bytes do not match the manifest: " + n + " bytes with sha256:"
                    + got + ", manifest lists " + want + " bytes with sha256:" + ref.image().sha256());
        }
    }
}
