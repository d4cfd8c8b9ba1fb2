package io.fleetckpt.messages.codec;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
        assertEquals(List.copyOf(SchemaVersions.RELEASES), SchemaVersions.RELEASES);
    }
}
