package io.fleetckpt.messages.codec;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Guards the promise that every released message stays decodable. When one of these fails after
 * an .avsc edit: either make the change compatible (add fields with defaults only), or, to ship
 * it, copy the new schemas to {@code schemas/src/main/resources/io/fleetckpt/messages/v<N+1>/}
 * and add {@code v<N+1>} to {@link SchemaVersions#RELEASES}. Never edit a released copy.
 */
class SchemaEvolutionTest {
    /** Fingerprints of released v1, frozen: a released copy must never be edited. */
    private static final Map<MessageType, Long> V1 = Map.of(
            MessageType.CHECKPOINT_REQUEST, 0x36884c869ab4b99fL,
            MessageType.RECORD_CHUNK, 0x984538768625994bL,
            MessageType.IMAGE_EVENT, 0x55deb085c9e3ec0fL,
            MessageType.CHECKPOINT_EVENT, 0x3f5ef0bf3b9c7989L);

    @Test
    void releasedCopiesAreFrozen() {
        Map<MessageType, Schema> v1 = SchemaVersions.get().release("v1");
        for (MessageType t : MessageType.values()) {
            assertEquals(String.format("%016x", V1.get(t)), String.format("%016x", SchemaVersions.fingerprint(v1.get(t))),
                    "released v1 " + t + " was edited; released schemas are frozen");
        }
    }

    @Test
    void currentSchemasReadEveryReleasedVersion() {
        for (String v : SchemaVersions.RELEASES) {
            SchemaVersions.get().release(v).forEach((t, old) -> {
                var r = SchemaCompatibility.checkReaderWriterCompatibility(t.currentSchema(), old);
                if (r.getType() != SchemaCompatibilityType.COMPATIBLE) {
                    fail("current " + t.schemaName() + " cannot read messages written with released " + v + ": " + r.getResult().getIncompatibilities());
                }
            });
        }
    }

    @Test
    void aChangedSchemaIsFullyCompatibleOrReleasedAsANewVersion() {
        String latest = SchemaVersions.RELEASES.get(SchemaVersions.RELEASES.size() - 1);
        SchemaVersions.get().release(latest).forEach((t, released) -> {
            if (SchemaVersions.fingerprint(released) == SchemaVersions.fingerprint(t.currentSchema())) return;
            var backward = SchemaCompatibility.checkReaderWriterCompatibility(t.currentSchema(), released);
            var forward = SchemaCompatibility.checkReaderWriterCompatibility(released, t.currentSchema());
            if (backward.getType() != SchemaCompatibilityType.COMPATIBLE || forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                fail(t.schemaName() + " changed incompatibly since release " + latest + " without a new version: "
                        + backward.getResult().getIncompatibilities() + forward.getResult().getIncompatibilities());
            }
        });
    }

    @Test
    void everyCurrentAndReleasedSchemaIsRegistered() {
        SchemaVersions sv = SchemaVersions.get();
        for (MessageType t : MessageType.values()) {
            assertNotNull(sv.byFingerprint(SchemaVersions.fingerprint(t.currentSchema())), "current " + t);
            for (String v : SchemaVersions.RELEASES) {
                assertNotNull(sv.byFingerprint(SchemaVersions.fingerprint(sv.release(v).get(t))), v + " " + t);
            }
        }
    }

    /**
     * Every released copy on the class path is registered (a v<N> directory added without its
     * line in RELEASES would leave messages of that release undecodable), and each holds all
     * four schemas.
     */
    @Test
    void everyReleasedDirectoryIsInReleases() throws Exception {
        // every class path root that holds the resource directory (classes and test-classes both do)
        List<java.nio.file.Path> dirs = new java.util.ArrayList<>();
        var roots = SchemaVersions.class.getClassLoader().getResources(SchemaVersions.RESOURCE_ROOT.substring(1));
        while (roots.hasMoreElements()) {
            java.net.URL root = roots.nextElement();
            assertEquals("file", root.getProtocol(), "the schemas' classes are a directory in this build: " + root);
            dirs.add(java.nio.file.Path.of(root.toURI()));
        }
        java.util.Map<String, java.nio.file.Path> released = new java.util.TreeMap<>();
        for (java.nio.file.Path dir : dirs) {
            try (var l = java.nio.file.Files.list(dir)) {
                l.filter(java.nio.file.Files::isDirectory).filter(p -> p.getFileName().toString().matches("v[0-9]+"))
                        .forEach(p -> released.put(p.getFileName().toString(), p));
            }
        }
        List<String> onDisk = released.keySet().stream()
                .sorted(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.substring(1)))).toList();
        assertEquals(onDisk, SchemaVersions.RELEASES, "released directories under " + dirs + ", oldest first");
        for (String v : onDisk) {
            for (String f : SchemaVersions.FILES) assertTrue(java.nio.file.Files.isRegularFile(released.get(v).resolve(f)), v + "/" + f);
            assertEquals(MessageType.values().length, SchemaVersions.get().release(v).size(), v);
        }
    }
}
