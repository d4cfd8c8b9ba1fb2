package io.fleetckpt.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/** Manifest (de)serialisation: pretty, stable field order, strict on reading. */
public final class ManifestJson {
    /** Far above any real manifest; a bigger file is damaged or hostile. */
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
        if (json.length > MAX_MANIFEST_BYTES) {
            throw new StoreException(where + ": manifest of " + json.length + " bytes exceeds "
                    + MAX_MANIFEST_BYTES);
        }
        try {
            return MAPPER.readValue(json, CheckpointManifest.class);
        } catch (IOException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String detail = root instanceof IllegalArgumentException ? root.getMessage()
                    : e.getMessage().lines().findFirst().orElse(e.toString());
            throw new StoreException(where + ": invalid manifest: " + detail, e);
        }
    }
}
