package io.fleetckpt.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default store: a directory.
 * <pre>
 *   blobs/sha256/&lt;2 hex&gt;/&lt;64 hex&gt;        image files, named by their SHA-256, read-only
 *   checkpoints/&lt;id&gt;/manifest.json      one manifest per checkpoint
 *   tmp/                                  writes in progress (safe to empty when no writer runs)
 *   outbox/&lt;name&gt;                         events an aggregator has yet to see delivered
 * </pre>
 * Publishing is write temp → fsync → link (blobs: create-only) or rename (manifests) → fsync
 * the directory, so a crash leaves either the old state or the new one, never a torn file.
 */
public final class FileSystemImageStore implements ImageStore {
    private final Path root;
    private final Path tmp;
    private final Path outbox;
    /** Far above a flush's events; bounds what a damaged file can make us read. */
    private static final long MAX_OUTBOX_BYTES = 256L << 20;
    /** Directories whose new entries (staged blobs) are not yet synced; see {@link #stageBlob}. */
    private final Set<Path> unsyncedDirs = ConcurrentHashMap.newKeySet();
    /** Null where the file system takes no direct I/O (then, or after it once failed, blobs go through the page cache). */
    private volatile DirectFileWrite direct;

    public FileSystemImageStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve("tmp");
        DurableFiles.createDirectoriesDurably(this.root.resolve("blobs").resolve("sha256"));
        DurableFiles.createDirectoriesDurably(this.root.resolve("checkpoints"));
        DurableFiles.createDirectoriesDurably(tmp);
        this.outbox = this.root.resolve("outbox");
        DurableFiles.createDirectoriesDurably(outbox);
        this.direct = DirectFileWrite.forDirectory(tmp);
    }

    public Path root() {
        return root;
    }

    /** The absolute file of a blob (it may not exist). */
    public Path blobFile(String sha256) {
        return root.resolve(StoredBlob.relativePath(StoreIds.checkSha256(sha256)));
    }

    public Path manifestFile(String checkpointId) {
        return root.resolve("checkpoints").resolve(StoreIds.checkCheckpointId(checkpointId)).resolve("manifest.json");
    }

    @Override
    public BlobWriter newBlob() throws IOException {
        return new FileBlobWriter(tmp.resolve("blob-" + UUID.randomUUID()), false);
    }

    @Override
    public StoredBlob putBlob(byte[] bytes) throws IOException {
        return writeWhole(bytes, bytes.length, false);
    }

    @Override
    public StoredBlob stageBlob(byte[] bytes) throws IOException {
        return writeWhole(bytes, bytes.length, true);
    }

    @Override
    public StoredBlob stageBlob(byte[] bytes, int length) throws IOException {
        return writeWhole(bytes, length, true);
    }

    /** A blob whose bytes are all at hand: written with direct I/O where the file system allows. */
    private StoredBlob writeWhole(byte[] bytes, int length, boolean staged) throws IOException {
        DirectFileWrite direct = this.direct;
        if (direct == null) return writeBuffered(bytes, length, staged);
        Path temp = tmp.resolve("blob-" + UUID.randomUUID());
        try {
            direct.writeAndSync(temp, bytes, length);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            // e.g. a file system without O_DIRECT: the ordinary way, from now on once it worked
            // (if it fails too, the failure was not direct I/O's)
            StoredBlob blob = writeBuffered(bytes, length, staged);
            this.direct = null;
            return blob;
        }
        MessageDigest sha = Sha256.newDigest();
        sha.update(bytes, 0, length);
        return publish(temp, HexFormat.of().formatHex(sha.digest()), length, staged);
    }

    private StoredBlob writeBuffered(byte[] bytes, int length, boolean staged) throws IOException {
        try (BlobWriter w = new FileBlobWriter(tmp.resolve("blob-" + UUID.randomUUID()), staged)) {
            w.write(bytes, 0, length);
            return w.commit();
        }
    }

    /**
     * Links a synced temp file under its digest, create-only (an existing name means the same
     * content), then removes the temp name.
     *
     * @param staged leave the directory syncs to {@link #syncStagedBlobs()}
     */
    private StoredBlob publish(Path temp, String sha, long size, boolean staged) throws IOException {
        try {
            StoredBlob blob = StoredBlob.of(sha, size);
            Path target = root.resolve(blob.path());
            DurableFiles.createDirectories(target.getParent(), staged ? unsyncedDirs::add : DurableFiles::syncDirectory);
            try {
                // a link fails if the name exists: create-only even with racing writers
                Files.createLink(target, temp);
                if (!staged) DurableFiles.syncDirectory(target.getParent());
            } catch (FileAlreadyExistsException same) {
                long existing = Files.size(target);
                if (existing != size) {
                    throw new StoreException("blob sha256:" + sha + " exists with " + existing
                            + " bytes, new content has " + size + ": the stored file is damaged");
                }
            }
            // staged: only once the name exists (a batch sync running now may already be past
            // this directory), and even when it existed, as a racing writer that linked it may
            // not have synced its directory yet
            if (staged) unsyncedDirs.add(target.getParent());
            target.toFile().setReadOnly();
            return blob;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public void syncStagedBlobs() throws IOException {
        // one fsync per directory for the whole batch, concurrently: the file system commits
        // concurrent fsyncs together. Each is taken out of the set before its fsync, so a blob
        // linked meanwhile puts its directory back for the next batch.
        List<Path> dirs = List.copyOf(unsyncedDirs);
        dirs.forEach(unsyncedDirs::remove);
        try {
            DurableFiles.syncDirectories(dirs);
        } catch (IOException | RuntimeException e) {
            unsyncedDirs.addAll(dirs);
            throw e;
        }
    }

    /** Whether whole blobs are written with direct I/O (tests). */
    boolean writesDirect() {
        return direct != null;
    }

    /** Replaces the direct writer (tests: one that fails as a file system without O_DIRECT would). */
    void writeDirectWith(DirectFileWrite w) {
        this.direct = w;
    }

    /** Directories with staged entries not synced yet (tests). */
    Set<Path> unsyncedDirectories() {
        return Set.copyOf(unsyncedDirs);
    }

    @Override
    public boolean hasBlob(String sha256) {
        return Files.isRegularFile(blobFile(sha256));
    }

    @Override
    public InputStream openBlob(String sha256) throws IOException {
        Path file = blobFile(sha256);
        try {
            return new VerifyingInputStream(Files.newInputStream(file), sha256);
        } catch (NoSuchFileException e) {
            throw new StoreException("no blob sha256:" + sha256 + " in store " + root);
        }
    }

    @Override
    public void writeManifest(CheckpointManifest manifest) throws IOException {
        Path file = manifestFile(manifest.checkpointId());
        DurableFiles.createDirectoriesDurably(file.getParent());
        replaceDurably(file, ManifestJson.toBytes(manifest), "manifest-");
    }

    /** Temp file, fsync, atomic rename over {@code file}, fsync of its directory. */
    private void replaceDurably(Path file, byte[] data, String tempPrefix) throws IOException {
        Path temp = tmp.resolve(tempPrefix + UUID.randomUUID());
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(data));
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            DurableFiles.syncDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public void writeOutbox(String name, byte[] data) throws IOException {
        replaceDurably(outbox.resolve(StoreIds.checkCheckpointId(name)), data, "outbox-");
    }

    @Override
    public java.util.LinkedHashMap<String, byte[]> claimOutboxes(String claimant) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(outbox)) {
            for (Path f : ds) if (StoreIds.isSafe(f.getFileName().toString()) && Files.isRegularFile(f)) files.add(f);
        }
        files.sort(java.util.Comparator.comparing(f -> {
            try {
                return Files.getLastModifiedTime(f);
            } catch (IOException e) {
                return java.nio.file.attribute.FileTime.fromMillis(0);
            }
        }));
        java.util.LinkedHashMap<String, byte[]> out = new java.util.LinkedHashMap<>();
        for (Path f : files) {
            String claimed = StoreIds.checkCheckpointId(claimant + "-claimed-" + UUID.randomUUID());
            try {
                Files.move(f, outbox.resolve(claimed), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException gone) {
                continue; // its writer saw it delivered, or another claimant took it
            }
            Path c = outbox.resolve(claimed);
            if (Files.size(c) > MAX_OUTBOX_BYTES) throw new StoreException(c + ": outbox of " + Files.size(c) + " bytes exceeds " + MAX_OUTBOX_BYTES);
            out.put(claimed, Files.readAllBytes(c));
        }
        return out;
    }

    @Override
    public void deleteOutbox(String name) throws IOException {
        // not synced: an outbox that comes back after a crash is only announced again
        Files.deleteIfExists(outbox.resolve(StoreIds.checkCheckpointId(name)));
    }

    @Override
    public Optional<CheckpointManifest> readManifest(String checkpointId) throws IOException {
        Path file = manifestFile(checkpointId);
        CheckpointManifest m;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            m = ManifestJson.read(new java.io.BufferedInputStream(Channels.newInputStream(ch), 1 << 16), ch.size(), file.toString());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!m.checkpointId().equals(checkpointId)) {
            throw new StoreException(file + ": manifest names checkpoint " + m.checkpointId()
                    + ", expected " + checkpointId);
        }
        return Optional.of(m);
    }

    @Override
    public List<String> listCheckpoints() throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root.resolve("checkpoints"))) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (StoreIds.isSafe(name) && Files.isRegularFile(d.resolve("manifest.json"))) ids.add(name);
            }
        }
        ids.sort(null);
        return ids;
    }

    @Override
    public String locationOf(StoredBlob blob) {
        return root.resolve(blob.path()).toString();
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public String manifestLocation(String checkpointId) {
        return manifestFile(checkpointId).toString();
    }

    @Override
    public String toString() {
        return "store " + root;
    }

    /** Hashes while writing to a temp file; commit links the temp file under its digest. */
    private final class FileBlobWriter extends BlobWriter {
        private final Path temp;
        private final FileChannel channel;
        private final OutputStream out;
        private final MessageDigest digest = Sha256.newDigest();
        /** Leave the directory syncs to {@link #syncStagedBlobs()}. */
        private final boolean staged;
        private long size;
        private boolean done;

        FileBlobWriter(Path temp, boolean staged) throws IOException {
            this.temp = temp;
            this.staged = staged;
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            size++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            size += len;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public StoredBlob commit() throws IOException {
            if (done) throw new IllegalStateException("blob writer already committed or closed");
            done = true;
            try {
                out.flush();
                channel.force(true);
                channel.close();
            } catch (IOException | RuntimeException e) {
                try {
                    channel.close();
                } finally {
                    Files.deleteIfExists(temp);
                }
                throw e;
            }
            return publish(temp, HexFormat.of().formatHex(digest.digest()), size, staged);
        }

        @Override
        public void close() throws IOException {
            if (done) return;
            done = true;
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }
}
