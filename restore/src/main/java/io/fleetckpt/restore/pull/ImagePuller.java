package io.fleetckpt.restore.pull;

import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.store.ImageStore;
import io.fleetckpt.store.Sha256;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
        refuseNonRegular(target);
        Path tmp = Files.createTempFile(outDir, "." + fileName(ref) + ".", ".part");
        boolean done = false;
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 CheckedBlob in = new CheckedBlob(store, ref)) {
                byte[] b = new byte[CHUNK];
                int r;
                while ((r = in.read(b)) > 0) {
                    out.write(b, 0, r);
                    progress.progress(ref, in.count(), ref.image().sizeBytes());
                }
                in.verify();
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            refuseNonRegular(target); // a node made while the blob was copied
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

    /**
     * A previous pull's file is replaced; a device, FIFO, socket, directory or symlink of that name
     * is the user's, and a rename would replace it with a regular file.
     */
    private static void refuseNonRegular(Path target) throws PullException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            String what = Files.isSymbolicLink(target) ? "a symlink" : Files.isDirectory(target) ? "a directory" : "not a regular file";
            throw new PullException(target + " exists and is " + what + "; not replaced (remove it or pull into another OUTDIR)");
        }
    }

    /**
     * Reads and decodes one stored image, verified, for restore. It is decoded as it is read
     * rather than copied into memory first (an image may be up to 1 GiB, and the model needs the
     * heap), and returned only once every byte matched the manifest; bytes that fail to decode are
     * first checked against the manifest, so altered bytes are reported as such.
     */
    public Image load(StoredImageRef ref) throws IOException {
        try (CheckedBlob checked = new CheckedBlob(store, ref)) {
            InputStream in = new BufferedInputStream(checked, CHUNK);
            Image image;
            try {
                image = ImageReader.readImage(in);
            } catch (OutOfMemoryError e) {
                throw new PullException(ref.describe() + ": the image of " + ref.image().sizeBytes()
                        + " bytes does not fit in this JVM's heap (max " + (Runtime.getRuntime().maxMemory() >> 20)
                        + " MiB): raise -Xmx, e.g. with FLEETCKPT_JAVA_OPTS, or restore a pulled copy with more heap");
            } catch (IOException e) {
                in.transferTo(OutputStream.nullOutputStream());
                checked.verify();
                throw e;
            }
            in.transferTo(OutputStream.nullOutputStream());
            checked.verify();
            return image;
        }
    }

    public static String fileName(StoredImageRef ref) {
        return ref.checkpointId() + "-" + ref.hostId() + ".img";
    }

    /**
     * A blob as the manifest describes it, with our own digest and byte count, not only the
     * store's: the manifest is what the user asked for, and a blob file replaced by other bytes
     * must not pass because it matches itself.
     */
    private static final class CheckedBlob extends FilterInputStream {
        private final StoredImageRef ref;
        private final MessageDigest md = Sha256.newDigest();
        private long n;

        CheckedBlob(ImageStore store, StoredImageRef ref) throws IOException {
            super(open(store, ref));
            this.ref = ref;
        }

        private static InputStream open(ImageStore store, StoredImageRef ref) throws PullException {
            try {
                return store.openBlob(ref.image().sha256());
            } catch (IOException e) {
                throw new PullException(ref.describe() + ": " + e.getMessage(), e);
            }
        }

        long count() {
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r;
            try {
                r = super.read(b, off, len);
            } catch (IOException e) {
                throw new PullException(ref.describe() + ": " + e.getMessage(), e);
            }
            if (r > 0) {
                n += r;
                if (n > ref.image().sizeBytes()) {
                    throw new PullException(ref.describe() + ": more than the " + ref.image().sizeBytes() + " bytes the manifest lists");
                }
                md.update(b, off, r);
            }
            return r;
        }

        /** Call at the end of the stream: the bytes read are the manifest's, count and digest. */
        void verify() throws PullException {
            String got = java.util.HexFormat.of().formatHex(md.digest());
            if (n != ref.image().sizeBytes() || !got.equals(ref.image().sha256())) {
                throw new PullException(ref.describe() + ": stored bytes do not match the manifest: " + n + " bytes with sha256:"
                        + got + ", manifest lists " + ref.image().sizeBytes() + " bytes with sha256:" + ref.image().sha256());
            }
        }
    }
}
