package io.fleetckpt.messages.codec;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every schema version ever released, plus the current one, by single-object fingerprint.
 *
 * <p>Released versions are frozen copies kept as resources under
 * {@code io/fleetckpt/messages/v<N>/}; a release adds a directory here and a line to
 * {@link #RELEASES}, and nothing is ever removed, so messages written by any released agent
 * stay decodable.
 */
public final class SchemaVersions {
    /** Released versions, oldest first. */
    public static final List<String> RELEASES = List.of("v1");
    /** Files of a release in parse order: CheckpointEvent refers to ImageEvent's ImageStatus. */
    static final List<String> FILES = List.of("ImageEvent.avsc", "CheckpointEvent.avsc", "CheckpointRequest.avsc", "RecordChunk.avsc");
    public static final String CURRENT = "current";

    /** One registered writer schema. */
    public record Entry(MessageType type, String version, Schema schema, long fingerprint) {
    }

    static final String RESOURCE_ROOT = "/io/fleetckpt/messages/";
    private static final SchemaVersions INSTANCE = load(RESOURCE_ROOT, RELEASES);

    private final Map<Long, Entry> byFingerprint;
    private final Map<String, Map<MessageType, Schema>> released;

    private SchemaVersions(Map<Long, Entry> byFingerprint, Map<String, Map<MessageType, Schema>> released) {
        this.byFingerprint = Collections.unmodifiableMap(byFingerprint);
        this.released = Collections.unmodifiableMap(released);
    }

    public static SchemaVersions get() {
        return INSTANCE;
    }

    public Entry byFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    public List<Entry> entries() {
        return List.copyOf(byFingerprint.values());
    }

    /** The schemas of one released version, by message type. */
    public Map<MessageType, Schema> release(String version) {
        Map<MessageType, Schema> m = released.get(version);
        if (m == null) throw new IllegalArgumentException("no released schema version " + version);
        return m;
    }

    public static long fingerprint(Schema s) {
        return SchemaNormalization.parsingFingerprint64(s);
    }

    /**
     * Loads releases from another resource root (tests register older shapes this way).
     *
     * @param resourceRoot e.g. {@code /io/fleetckpt/messages/}
     * @param releases     version directories under it, oldest first
     */
    public static SchemaVersions load(String resourceRoot, List<String> releases) {
        Map<Long, Entry> byFp = new HashMap<>();
        Map<String, Map<MessageType, Schema>> released = new HashMap<>();
        for (String v : releases) {
            Map<MessageType, Schema> schemas = parseRelease(resourceRoot, v);
            released.put(v, schemas);
            schemas.forEach((t, s) -> byFp.putIfAbsent(fingerprint(s), new Entry(t, v, s, fingerprint(s))));
        }
        for (MessageType t : MessageType.values()) {
            long fp = fingerprint(t.currentSchema());
            byFp.putIfAbsent(fp, new Entry(t, CURRENT, t.currentSchema(), fp));
        }
        return new SchemaVersions(byFp, released);
    }

    static Map<MessageType, Schema> parseRelease(String resourceRoot, String version) {
        Schema.Parser parser = new Schema.Parser();
        List<Schema> parsed = new ArrayList<>();
        for (String f : FILES) {
            String res = resourceRoot + version + "/" + f;
            try (InputStream in = SchemaVersions.class.getResourceAsStream(res)) {
                if (in == null) throw new IllegalStateException("released schema missing from the jar: " + res);
                parsed.add(parser.parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + res, e);
            }
        }
        Map<MessageType, Schema> m = new HashMap<>();
        for (Schema s : parsed) {
            MessageType t = MessageType.bySchemaName(s.getFullName());
            if (t == null) throw new IllegalStateException("released schema " + version + " has unknown record " + s.getFullName());
            m.put(t, s);
        }
        return m;
    }
}
