package io.fleetckpt.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrorHandlerTest {
    @Test
    void fileExceptionsThatOnlyCarryAPathSayWhatIsWrong() {
        assertEquals("no such file or directory: /a/b.img", ErrorHandler.message(new NoSuchFileException("/a/b.img")));
        assertEquals("permission denied: /a/b.img", ErrorHandler.message(new AccessDeniedException("/a/b.img")));
        assertEquals("no such file or directory: /a -> /b", ErrorHandler.message(new NoSuchFileException("/a", "/b", null)));
    }

    @Test
    void anyJsonParseErrorSaysLineAndColumnPlainly() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"a\": [1,\n 2"));
        assertEquals("line 2, column 3: Unexpected end-of-input: expected close marker for Array (start marker at line 1, column 7)",
                ErrorHandler.message(e));
    }

    @Test
    void messagesWithAReasonAreKeptAsTheyAre() {
        assertEquals("/a -> /b: Is a directory", ErrorHandler.message(new FileSystemException("/a", "/b", "Is a directory")));
        assertEquals("no checkpoint x", ErrorHandler.message(new IOException("no checkpoint x")));
        assertEquals("IllegalStateException", ErrorHandler.message(new IllegalStateException()));
    }

    @Test
    void aMissingStoreIsOneErrorLineWithoutTheUsageText() {
        CliRun r = CliRun.of("images", "--store", "/nonexistent-store-dir");
        assertEquals(2, r.code());
        assertEquals("fleetckpt images: error: no image store at /nonexistent-store-dir (expected /nonexistent-store-dir/checkpoints;"
                + " --store DIR names another)", r.err().strip());
        // without --store: local's default store, relative to where the command runs
        CliRun byDefault = CliRun.withEnv(java.util.Map.of(), "images");
        assertEquals("fleetckpt images: error: no image store at fleetckpt-data/store (expected fleetckpt-data/store/checkpoints;"
                + " --store DIR names another)", byDefault.err().strip());
    }

    @Test
    void aSubcommandsErrorNamesItsWholeCommand() {
        CliRun r = CliRun.withEnv(java.util.Map.of(), "topics", "create", "--bootstrap-server", "127.0.0.1:1",
                "--kafka-config", "/nonexistent/client.properties");
        assertEquals(2, r.code());
        assertEquals("fleetckpt topics create: error: cannot read Kafka client properties /nonexistent/client.properties: no such file",
                r.err().strip());
    }
}
