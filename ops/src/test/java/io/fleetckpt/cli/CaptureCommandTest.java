package io.fleetckpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.model.Image;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fleetckpt capture} through picocli on a real shell holding known fds. */
class CaptureCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A shell with fd 3 open on a file at a known position, waiting on stdin. */
    private Process shell(Path file) throws Exception {
        Files.writeString(file, "0123456789");
        Process p = new ProcessBuilder("bash", "-c", "exec 3<\"$0\"; read -r -n 4 -u 3 x; read -r y", file.toString()).start();
        Path fd3 = Path.of("/proc", Long.toString(p.pid()), "fd", "3");
        for (int i = 0; i < 2000 && !(Files.exists(fd3) && pos(p.pid()) == 4); i++) Thread.sleep(1);
        return p;
    }

    private static long pos(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "fdinfo", "3"))) {
            if (l.startsWith("pos:")) return Long.parseLong(l.substring(4).trim());
        }
        return -1;
    }

    @Test
    void capturesWritesAValidImageAndPrintsJson() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "capture needs root");
        Path file = tmp.resolve("name with space");
        Process p = shell(file);
        try {
            Path img = tmp.resolve("out.img");
            Run r = run("capture", "--pid", Long.toString(p.pid()), "-o", img.toString(), "--json",
                    "--state-dir", tmp.resolve("state").toString());
            assertEquals(0, r.code(), r.err());
            JsonNode j = new ObjectMapper().readTree(r.out());
            assertTrue(j.get("frozen").asBoolean());
            assertFalse(j.get("partial").asBoolean());
            JsonNode fd3 = null;
            for (JsonNode fd : j.get("tasks").get(0).get("fds")) if (fd.get("fd").asInt() == 3) fd3 = fd;
            assertEquals(4, fd3.get("pos").asLong());
            assertEquals("REG", fd3.get("type").asText());
            assertArrayEquals(file.toString().getBytes(), Base64.getDecoder().decode(fd3.get("path_b64").asText()));
            Image back = ImageReader.readImage(Files.readAllBytes(img));
            assertEquals(1, back.tasks().size());
            assertEquals(p.pid(), back.tasks().get(0).info().pid());
            assertEquals(4, back.file(back.tasks().get(0).fds().stream().filter(e -> e.fd() == 3).findFirst().orElseThrow()).pos());
            assertEquals(4, pos(p.pid()), "the target's position did not move");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void partialWhenATaskIsMissing() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "capture needs root");
        Process p = shell(tmp.resolve("f"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try {
            Path img = tmp.resolve("out.img");
            Run r = run("capture", "--pid", Long.toString(p.pid()), "--pid", Long.toString(gone.pid()), "-o", img.toString(),
                    "--state-dir", tmp.resolve("state").toString());
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.out().startsWith("partial: 1 tasks"), r.out());
            assertTrue(r.out().contains("not captured: pid " + gone.pid() + ": not_found"), r.out());
            assertEquals(1, ImageReader.readImage(Files.readAllBytes(img)).tasks().size());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aNegativeFreezeTimeoutIsAUsageError() {
        Run r = run("capture", "--pid", "1", "--freeze-timeout", "-5", "-o", tmp.resolve("x.img").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("--freeze-timeout must be 0 or more milliseconds"), r.err());
    }

    @Test
    void aZeroOrUnreadableMaxFrozenIsAUsageError() {
        Run zero = run("capture", "--pid", "1", "--max-frozen", "0s", "-o", tmp.resolve("x.img").toString());
        assertEquals(2, zero.code());
        assertTrue(zero.err().startsWith("--max-frozen must be positive"), zero.err());
        Run word = run("capture", "--pid", "1", "--max-frozen", "soon", "-o", tmp.resolve("x.img").toString());
        assertEquals(2, word.code());
        assertTrue(word.err().contains("'soon' is not a duration"), word.err());
        assertFalse(Files.exists(tmp.resolve("x.img")));
    }

    @Test
    void noSelectorIsAUsageError() {
        Run r = run("capture", "-o", tmp.resolve("x.img").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("name processes with --pid"), r.err());
        assertFalse(Files.exists(tmp.resolve("x.img")));
    }

    @Test
    void anOutputThatIsADirectoryIsRefusedBeforeCapturingAndLeavesNothingBehind() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("images"));
        Run r = run("capture", "--pid", Long.toString(ProcessHandle.current().pid()), "-o", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("fleetckpt capture: -o " + dir + ": is a directory; nothing captured", r.err().strip());
        try (var left = Files.list(tmp)) {
            assertEquals(java.util.List.of(dir), left.toList(), "no temp file next to the target");
        }
    }

    @Test
    void anOutputInAMissingDirectoryNamesTheDirectory() {
        Path img = tmp.resolve("nope").resolve("x.img");
        Run r = run("capture", "--pid", Long.toString(ProcessHandle.current().pid()), "-o", img.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no such directory " + tmp.resolve("nope")), r.err());
    }
}
