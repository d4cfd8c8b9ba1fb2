package io.fleetckpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.restore.testing.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With --json, a failed command still gives scripts one JSON object on stdout. */
class JsonErrorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static CliRun run(String... args) {
        return CliRun.withEnv(Map.of(), args);
    }

    /** stdout is exactly one JSON object naming the command, the error stderr gives, and the exit code. */
    private static JsonNode assertJsonError(String command, CliRun r) throws Exception {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.out().lines().count(), "one object, one line: " + r.out());
        JsonNode n = JSON.readTree(r.out());
        assertEquals(command, n.get("command").asText(), r.out());
        assertEquals(2, n.get("exit").asInt(), r.out());
        String line = r.err().lines().findFirst().orElse("");
        assertEquals(command + ": error: " + n.get("error").asText(), line, "the same words as stderr's line");
        return n;
    }

    @Test
    void restoreOfABadOrRefusedImage() throws Exception {
        Path garbage = Files.write(tmp.resolve("garbage.img"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        JsonNode bad = assertJsonError("fleetckpt restore", run("restore", garbage.toString(), "--json", "--", "true"));
        assertTrue(bad.get("error").asText().startsWith(garbage + ": "), bad.toString());

        Path forged = Files.write(tmp.resolve("forged.img"),
                ImageWriter.toBytes(Images.task(5).fd(3, FdType.FILE, "/etc/passwd", 01 | 01000, 0).build()));
        JsonNode invalid = assertJsonError("fleetckpt restore", run("restore", forged.toString(), "--json", "--", "true"));
        assertTrue(invalid.get("error").asText().startsWith(forged + ": offset 372: FD_DATA (303) record at 360, field f_flags: "),
                invalid.toString());
        Path tmpfile = Files.write(tmp.resolve("tmpfile.img"),
                ImageWriter.toBytes(Images.task(5).fd(3, FdType.SYMLINK, "/etc/passwd", 0, 0).build()));
        JsonNode refused = assertJsonError("fleetckpt restore", run("restore", tmpfile.toString(), "--json", "--", "true"));
        assertTrue(refused.get("error").asText().startsWith("refused: pid 5 fd 3 (objref 1)"), refused.toString());
    }

    @Test
    void theOtherJsonCommands() throws Exception {
        assertJsonError("fleetckpt inspect", run("inspect", "--json", tmp.resolve("missing.img").toString()));
        assertJsonError("fleetckpt images", run("images", "--json", "--store", tmp.resolve("no-store").toString()));
        assertJsonError("fleetckpt pull", run("pull", "ck-1", "--json", "--store", tmp.resolve("no-store").toString(), "-o", tmp.toString()));
        assertJsonError("fleetckpt topics create", run("topics", "create", "--json", "--bootstrap-server", "127.0.0.1:1",
                "--kafka-config", tmp.resolve("missing.properties").toString()));
        assertJsonError("fleetckpt checkpoint", run("checkpoint", "--json", "--host", "h1"));
        assertJsonError("fleetckpt capture", run("capture", "--json", "--pid", "1", "-o", tmp.toString()));
        JsonNode none = assertJsonError("fleetckpt capture", run("capture", "--json", "--comm", "^no-such-comm-xyz$", "-o",
                tmp.resolve("x.img").toString()));
        assertEquals("nothing captured; no image written", none.get("error").asText());
        assertEquals("note: no process matched --comm ^no-such-comm-xyz$", none.get("details").get(0).asText(), none.toString());
    }

    @Test
    void usageErrorsAndJsonFromTheEnvironment() throws Exception {
        JsonNode usage = assertJsonError("fleetckpt capture", run("capture", "--json", "--pid", "abc", "-o", "/tmp/x.img"));
        assertEquals("invalid value for option '--pid' (P): 'abc' is not a process id", usage.get("error").asText());
        assertJsonError("fleetckpt inspect", CliRun.withEnv(Map.of("FLEETCKPT_JSON", "true"), "inspect", tmp.resolve("m.img").toString()));
        // after "--" the words are COMMAND's
        CliRun notJson = run("restore", tmp.resolve("m.img").toString(), "--", "cat", "--json");
        assertEquals(2, notJson.code());
        assertEquals("", notJson.out());
    }

    @Test
    void everyCommandWithJsonAnswersAUsageErrorInJson() throws Exception {
        List<String> without = new ArrayList<>();
        int commands = 0;
        for (CommandSpec c : CommandOptionsTest.allCommands()) {
            if (c.findOption("--json") == null) continue;
            commands++;
            List<String> args = new ArrayList<>(Arrays.asList(c.qualifiedName().split(" ")));
            args.remove(0);
            args.add("--json");
            args.add("--no-such-option-anywhere");
            CliRun r = run(args.toArray(String[]::new));
            try {
                assertJsonError(c.qualifiedName(), r);
            } catch (AssertionError | Exception e) {
                without.add(c.qualifiedName() + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), without);
        assertTrue(commands >= 9, "capture, inspect, images, pull, restore, checkpoint, topics create, tail, agent, local: " + commands);
    }
}
