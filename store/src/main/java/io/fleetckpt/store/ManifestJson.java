package io.fleetckpt.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;

/** Manifest (de)serialisation: pretty, stable field order, strict on reading. */
public final class ManifestJson {
    /**
     * The largest manifest read: room for the most hosts a checkpoint can have ({@link
     * CheckpointManifest#MAX_HOSTS}, the bound on a request too), which as the aggregator writes
     * them take about 570 bytes each with an image: 100,000 hosts make a 57 MB manifest, and about
     * as much heap once read. A bigger file is damaged or hostile.
     */
    public static final int MAX_MANIFEST_BYTES = 64 << 20;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(1 << 20).maxNestingDepth(16).build());
    }

    private ManifestJson() {
    }

    public static byte[] toBytes(CheckpointManifest m) {
        try {
            byte[] body = MAPPER.writeValueAsBytes(m);
            byte[] withNewline = java.util.Arrays.copyOf(body, body.length + 1);
            withNewline[body.length] = '\n';
            return withNewline;
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialise manifest of " + m.checkpointId(), e);
        }
    }

    /** @param where names the file for error messages */
    public static CheckpointManifest fromBytes(byte[] json, String where) throws StoreException {
        if (json.length > MAX_MANIFEST_BYTES) throw tooBig(where, json.length);
        return read(new java.io.ByteArrayInputStream(json), json.length, where);
    }

    /**
     * Reads a manifest of {@code size} bytes (as stat saw it) from {@code in}, never more than the
     * bound even if the file grew since, and without holding its bytes: the parsed manifest is
     * what needs the heap.
     */
    public static CheckpointManifest read(InputStream in, long size, String where) throws StoreException {
        if (size > MAX_MANIFEST_BYTES) throw tooBig(where, size);
        try {
            return MAPPER.readValue(new BoundedInputStream(in, MAX_MANIFEST_BYTES, where), CheckpointManifest.class);
        } catch (OutOfMemoryError e) {
            throw noHeap(where, size);
        } catch (IOException e) {
            if (e instanceof StoreException s) throw s;
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            // Jackson reports an OutOfMemoryError inside a record's constructor as a bad value
            if (root instanceof OutOfMemoryError) throw noHeap(where, size);
            if (root instanceof StoreException s) throw s;
            String detail = root instanceof IllegalArgumentException ? root.getMessage()
                    : e instanceof JacksonException j ? JsonErrors.describe(j)
                    : e.getMessage().lines().findFirst().orElse(e.toString());
            throw new StoreException(where + ": invalid manifest: " + detail, e);
        }
    }

    private static StoreException tooBig(String where, long size) {
        return new StoreException(where + ": manifest of " + size + " bytes exceeds the bound of " + MAX_MANIFEST_BYTES
                + " (64 MiB, room for " + CheckpointManifest.MAX_HOSTS + " hosts): damaged or not written by fleetckpt");
    }

    /**
     * The parse's garbage is unreachable once this unwinds, so the JVM can go on: one checkpoint
     * too big for this heap must not take the command (or the aggregator) down with a stack trace.
     */
    private static StoreException noHeap(String where, long size) {
        return new StoreException(where + ": manifest of " + size + " bytes does not fit in this JVM's heap (max "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; reading it takes about its size again):"
                + " raise -Xmx, e.g. FLEETCKPT_JAVA_OPTS=-Xmx" + Math.max(256, 2 * (size >> 20) + 128) + "m");
    }

    /** Fails, naming the file, once more than {@code limit} bytes have been read. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private final long limit;
        private final String where;
        private long count;

        BoundedInputStream(InputStream in, long limit, String where) {
            super(in);
            this.limit = limit;
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) counted(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) counted(n);
            return n;
        }

        private void counted(long n) throws StoreException {
            count += n;
            if (count > limit) throw tooBig(where, count);
        }
    }
}
