package io.fleetckpt.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A damaged manifest's error says where in plain words, not in Jackson's. */
class JsonErrorsTest {
    private static String error(String json) {
        return assertThrows(StoreException.class,
                () -> ManifestJson.fromBytes(json.getBytes(StandardCharsets.UTF_8), "m.json")).getMessage();
    }

    @Test
    void anUnclosedArraySaysWhereItEndedAndWhereItStarted() {
        // the '[' is column 49; the input ends after the space in column 50
        assertEquals("m.json: invalid manifest: line 1, column 51, at hosts: Unexpected end-of-input: expected close marker"
                + " for Array (start marker at line 1, column 49)", error("{\"checkpointId\":\"a\",\"status\":\"STORED\", \"hosts\": [ "));
    }

    @Test
    void aBadValueNamesItsField() {
        assertEquals("m.json: invalid manifest: line 1, column 55, at requestedAtMs: Cannot deserialize value of type `long`"
                + " from String \"xx\": not a valid `long` value", error("{\"checkpointId\":\"b\",\"status\":\"STORED\",\"requestedAtMs\":\"xx\"}"));
        // the value starts in column 10
        assertEquals("m.json: invalid manifest: line 2, column 10, at status: Cannot deserialize value of type `CheckpointStatus`"
                        + " from String \"DONE\": not one of the values accepted for Enum class: [PARTIAL, STORED, FAILED, IN_PROGRESS]",
                error("{\"checkpointId\":\"b\",\n\"status\":\"DONE\"}"));
    }

    @Test
    void jacksonsConfigurationHintsAreLeftOut() {
        assertEquals("m.json: invalid manifest: line 1, column 18, at formatVersion: Cannot map `null` into type `int`",
                error("{\"formatVersion\":null,\"checkpointId\":\"c\",\"status\":\"STORED\",\"requestedAtMs\":1,\"hosts\":[]}"));
    }
}
