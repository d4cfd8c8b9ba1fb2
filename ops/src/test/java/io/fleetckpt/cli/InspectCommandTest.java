package io.fleetckpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path golden() throws Exception {
        Path p = dir.resolve("golden.img");
        Files.write(p, ImageWriter.toBytes(SampleImages.golden()));
        return p;
    }

    @Test
    void validImage() throws Exception {
        Run r = run("inspect", golden().toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("kernel 6.12.0"), r.out());
        assertTrue(r.out().contains("O_WRONLY|O_APPEND|O_LARGEFILE"), r.out());
        assertTrue(r.out().contains("/tmp/\\xff\\x01n\\\\ame"), r.out());
        assertTrue(r.out().contains("fd table: shared, objref 9, the same table as task 102"), r.out());
        assertTrue(r.out().contains("verdict: VALID"), r.out());
        // fd 2 of task 100 dups objref 2: marked shared
        assertTrue(r.out().matches("(?s).*\\n\\s+2 -\\s+FIFO\\s+2\\*.*"), r.out());
        assertTrue(r.out().contains("* = objref named by more than one fd entry"), "the legend of the * shown: " + r.out());
    }

    @Test
    void strictV13RefusesTheExtensions() throws Exception {
        Run r = run("inspect", "--strict-v13", golden().toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("field fd_type"), r.out());
    }

    @Test
    void truncatedImageShowsWhatWasReadAndTheOffset() throws Exception {
        byte[] b = Files.readAllBytes(golden());
        Path p = dir.resolve("trunc.img");
        Files.write(p, Arrays.copyOf(b, 1000));
        Run r = run("inspect", p.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("comm \"worker\""), r.out());
        assertTrue(r.out().contains("verdict: INVALID: offset 994: FD_ENT (302) record at 986, field payload"), r.out());

        Run j = run("inspect", "--json", p.toString());
        assertEquals(1, j.exit());
        JsonNode n = new ObjectMapper().readTree(j.out());
        assertFalse(n.get("valid").asBoolean());
        assertEquals(994, n.get("error").get("offset").asLong());
        assertEquals("FD_ENT", n.get("error").get("record_name").asText());
        assertEquals(2, n.get("tasks").size());
        assertEquals("/dev/null", n.get("tasks").get(0).get("fds").get(0).get("path").asText());
    }

    @Test
    void jsonOfAValidImage() throws Exception {
        Run r = run("inspect", "--json", golden().toString());
        assertEquals(0, r.exit());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertTrue(n.get("valid").asBoolean());
        assertEquals(5, n.get("tree").size());
        JsonNode fd2 = n.get("tasks").get(0).get("fds").get(2);
        assertEquals(2, fd2.get("fd").asInt());
        assertTrue(fd2.get("shared").asBoolean());
        assertEquals("FIFO", fd2.get("type").asText());
        assertEquals(103, n.get("tasks").get(3).get("pid").asInt());
        assertEquals(102, n.get("tasks").get(3).get("shares_table_of").asInt());
    }

    @Test
    void garbageAndMissingFiles() throws Exception {
        Path g = dir.resolve("garbage.img");
        byte[] junk = new byte[777];
        new java.util.Random(3).nextBytes(junk);
        Files.write(g, junk);
        Run r = run("inspect", g.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("not an fd-table image"), r.out());
        assertFalse(r.out().contains("* = objref"), "no legend for a * never shown: " + r.out());
        Run missing = run("inspect", dir.resolve("missing.img").toString());
        assertEquals(2, missing.exit());
        assertEquals("fleetckpt inspect: error: " + dir.resolve("missing.img") + ": no such file\n", missing.err());
        Run directory = run("inspect", dir.toString());
        assertEquals(2, directory.exit());
        assertEquals("fleetckpt inspect: error: " + dir + ": is a directory\n", directory.err());
        Path empty = Files.write(dir.resolve("empty.img"), new byte[0]);
        Run none = run("inspect", empty.toString());
        assertEquals(1, none.exit(), "an empty file is an invalid image, not unreadable");
        assertTrue(none.out().contains("verdict: INVALID: offset 0: "), none.out());
        assertEquals(2, run("inspect").exit());
    }

    /** As {@link #run}, with {@code stdin} as what {@code inspect -} reads. */
    static Run runWithStdin(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        ((InspectCommand) cl.getSubcommands().get("inspect").getCommand()).stdin = new java.io.ByteArrayInputStream(stdin);
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The report of a file, with the name it gives the image replaced: what a stream of its bytes must show. */
    private static String renamed(String report, Path file, String name) {
        return report.replace("image " + file + " (", "image " + name + " (").replace("\"file\" : \"" + file + "\"", "\"file\" : \"" + name + "\"");
    }

    /** inspect - reads stdin: the same report as for the file (sharers marked, which takes two passes), valid or not. */
    @Test
    void dashReadsStdinAndReportsAsForTheFile() throws Exception {
        Path g = golden();
        byte[] bytes = Files.readAllBytes(g);
        for (String[] opts : new String[][] {{}, {"--json"}}) {
            Run file = run(concat(opts, g.toString()));
            Run stream = runWithStdin(bytes, concat(opts, "-"));
            assertEquals(0, stream.exit(), stream.err());
            assertEquals(renamed(file.out(), g, "-"), stream.out());
            assertTrue(stream.out().contains(opts.length == 0 ? "2*" : "\"shared\" : true"),
                    "a shared objref is marked from a stream too: " + stream.out());
        }
        Path trunc = Files.write(dir.resolve("trunc.img"), Arrays.copyOf(bytes, 1000));
        Run file = run("inspect", trunc.toString());
        Run stream = runWithStdin(Arrays.copyOf(bytes, 1000), "inspect", "-");
        assertEquals(1, stream.exit());
        assertEquals(renamed(file.out(), trunc, "-"), stream.out());
        assertTrue(stream.out().contains("verdict: INVALID: offset 994: "), stream.out());
    }

    private static String[] concat(String[] opts, String image) {
        String[] a = Arrays.copyOf(new String[] {"inspect"}, opts.length + 2);
        System.arraycopy(opts, 0, a, 1, opts.length);
        a[a.length - 1] = image;
        return a;
    }

    /** A FIFO (and so bash's {@code <(...)}, a pipe at /dev/fd/N) is read as a stream, not refused as "not a regular file". */
    @Test
    void aFifoIsReadAsAStream() throws Exception {
        Path g = golden();
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        java.util.concurrent.CompletableFuture<Void> writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                Files.write(fifo, Files.readAllBytes(g));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Run r = run("inspect", fifo.toString());
        if (!writer.isDone()) {
            try (var unblock = Files.newInputStream(fifo)) { // inspect never opened it: let the writer end
                unblock.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
        assertEquals(0, r.exit(), r.err());
        writer.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(renamed(run("inspect", g.toString()).out(), g, fifo.toString()), r.out());
    }

    /** Through a real shell: {@code inspect <(cat IMAGE)}, the case a user met. */
    @Test
    void processSubstitutionWorks() throws Exception {
        Path g = golden();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("bash", "-c", "exec \"$0\" -cp \"$1\" " + Main.class.getName() + " inspect <(cat \"$2\")",
                java, System.getProperty("java.class.path"), g.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.matches("(?s)image /dev/fd/\\d+ \\(" + String.format("%,d", Files.size(g)) + " bytes\\).*verdict: VALID.*"), out);
    }

    @Test
    void benchCodecEndsWithJson() throws Exception {
        Run r = run("bench", "codec", "--tasks", "12", "--fds", "20", "--warmup", "0", "--iterations", "1");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().trim().split("\n");
        JsonNode n = new ObjectMapper().readTree(lines[lines.length - 1]);
        for (String k : new String[] {"encode_mb_s", "decode_mb_s", "copy_mb_s"}) {
            assertTrue(n.get(k).asDouble() > 0, k);
        }
        // a tiny image can make the ratio round to 0; it must be there and be a number
        assertTrue(n.get("decode_vs_copy").isNumber());
        assertTrue(n.get("encode_vs_copy").isNumber());
        assertEquals(12 * 20, n.get("fd_entries").asLong());
        assertTrue(r.err().contains("forking a JVM with a 512 MB heap touched before it starts"), r.err());
        Run here = run("bench", "codec", "--tasks", "3", "--fds", "5", "--warmup", "0", "--iterations", "1", "--in-process");
        assertEquals(0, here.exit(), here.err());
        assertTrue(!here.err().contains("forking"), here.err());
        assertEquals(3 * 5, new ObjectMapper().readTree(here.out().trim().lines().reduce((a, b) -> b).orElseThrow())
                .get("fd_entries").asLong());
        assertEquals(2, run("bench").exit());
    }
}
