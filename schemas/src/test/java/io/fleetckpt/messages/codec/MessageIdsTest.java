package io.fleetckpt.messages.codec;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageIdsTest {
    @Test
    void onlyTheStoreAlphabetIsValid() {
        for (String ok : List.of("a", "ck-20261204-043259-da886e", "web-1.example.com", "H_1", "x".repeat(128))) {
            assertTrue(MessageIds.isValid(ok), ok);
            assertNull(MessageIds.problem("host id", ok));
        }
        for (String bad : List.of("", "..", "../../etc", "a/b", ".hidden", "-x", "a b", "ck:1", "a\nb", "x".repeat(129))) {
            assertFalse(MessageIds.isValid(bad), bad);
        }
        assertFalse(MessageIds.isValid(null));
        assertEquals("invalid checkpoint id \"../../etc\": expected " + MessageIds.RULE, MessageIds.problem("checkpoint id", "../../etc"));
    }

    @Test
    void quotingEscapesWhatCouldDriveATerminalAndShortens() {
        assertEquals("\"a\\u001b[2Jb\\u0022\\u005c\\u00e9\"", MessageIds.quote("a\u001b[2Jb\"\\é"));
        assertEquals("\"" + "x".repeat(80) + "\"... (200 characters)", MessageIds.quote("x".repeat(200)));
        assertEquals("null", MessageIds.quote(null));
        assertEquals("say \"hi\"\\u000a", MessageIds.escape("say \"hi\"\n"));
    }
}
