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
import java.util.List;

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
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "fdinfo", "3"));
        } catch (java.nio.file.NoSuchFileException e) {
            return -1; // an fd 3 of the JVM's spawn helper, closed by the exec of bash
        }
        for (String l : lines) {
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
            assertEquals("FILE", fd3.get("type").asText());
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

    /** What capture --json adds per fd to the image's fields, and nothing else (docs/format.md section 8). */
    private static final java.util.Set<String> CAPTURE_ONLY_FD_FIELDS = java.util.Set.of("mnt_id", "ino", "dev", "rdev", "size",
            "nlink", "st_mode", "stat_errno", "deleted", "fdinfo_extra", "fdinfo_extra_b64");

    /**
     * capture --json and inspect --json of the image it wrote describe one image in one
     * vocabulary: a shell and its child holding a file at a position, a dup of it, a name with a
     * newline and invalid UTF-8, /dev/null and pipes; header, tree, counts and every task's and
     * every fd's fields compared, field by field, and checked against /proc.
     */
    @Test
    void captureJsonAndInspectJsonOfItsImageAgreeFieldByField() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "capture needs root");
        Path file = tmp.resolve("data");
        Files.writeString(file, "0123456789");
        // bash appends the byte 0xff itself: Java would encode any argument as UTF-8
        String odd = tmp + "/odd\nname";
        byte[] oddName = java.util.Arrays.copyOf(odd.getBytes(java.nio.charset.StandardCharsets.UTF_8), odd.length() + 1);
        oddName[oddName.length - 1] = (byte) 0xff;
        Process p = new ProcessBuilder("bash", "-c",
                "exec 3<\"$0\"; exec 4<&3; exec 5<>\"$1\"$'\\xff'; exec 6</dev/null; read -r -n 4 -u 3 x; sleep 100000 & read -r y",
                file.toString(), odd).start();
        try {
            for (int i = 0; i < 5000 && !(childOf(p.pid()) > 0 && pos(p.pid()) == 4); i++) Thread.sleep(1);
            Path img = tmp.resolve("tree.img");
            Run c = run("capture", "--tree", Long.toString(p.pid()), "-o", img.toString(), "--json", "--state-dir", tmp.resolve("state").toString());
            assertEquals(0, c.code(), c.err());
            Run i = run("inspect", "--json", img.toString());
            assertEquals(0, i.code(), i.err());
            ObjectMapper om = new ObjectMapper();
            JsonNode cap = om.readTree(c.out());
            JsonNode ins = om.readTree(i.out());

            for (String same : new String[] {"file", "size", "header", "tree", "counts", "valid"}) {
                assertEquals(ins.get(same), cap.get(same), same);
            }
            assertEquals(2, ins.get("tasks").size(), "the shell and its child");
            for (int t = 0; t < ins.get("tasks").size(); t++) {
                JsonNode it = ins.get("tasks").get(t), ct = cap.get("tasks").get(t);
                java.util.List<String> taskFields = new java.util.ArrayList<>();
                it.fieldNames().forEachRemaining(taskFields::add);
                java.util.List<String> capTaskFields = new java.util.ArrayList<>();
                ct.fieldNames().forEachRemaining(capTaskFields::add);
                assertEquals(taskFields, capTaskFields, "task fields, in order");
                for (String f : taskFields) if (!f.equals("fds")) assertEquals(it.get(f), ct.get(f), "task " + t + " " + f);
                assertEquals(it.get("fds").size(), ct.get("fds").size(), "task " + t + " fds");
                for (int k = 0; k < it.get("fds").size(); k++) {
                    JsonNode ifd = it.get("fds").get(k), cfd = ct.get("fds").get(k);
                    String where = "task " + t + " fd " + ifd.get("fd");
                    java.util.Set<String> extra = new java.util.TreeSet<>();
                    cfd.fieldNames().forEachRemaining(extra::add);
                    ifd.fieldNames().forEachRemaining(name -> {
                        assertEquals(ifd.get(name), cfd.get(name), where + " " + name);
                        extra.remove(name);
                    });
                    assertTrue(CAPTURE_ONLY_FD_FIELDS.containsAll(extra), where + ": capture-only fields " + extra);
                    assertTrue(extra.containsAll(java.util.Set.of("mnt_id", "ino", "deleted")), where + ": " + extra);
                }
            }

            // and the values are the kernel's
            int pid = (int) p.pid();
            JsonNode shell = cap.get("tasks").get(0);
            assertEquals(pid, shell.get("pid").asInt());
            JsonNode fd3 = fdOf(shell, 3), fd4 = fdOf(shell, 4), fd5 = fdOf(shell, 5), fd6 = fdOf(shell, 6);
            assertEquals("FILE", fd3.get("type").asText());
            assertEquals(1, fd3.get("type_code").asInt());
            assertEquals(4, fd3.get("pos").asLong());
            int flags = Integer.parseInt(fdinfo(pid, 3, "flags"), 8);
            assertEquals(flags & ~02000000, fd3.get("flags").asInt(), "flags is a number: fdinfo's without O_CLOEXEC");
            assertEquals((flags & 02000000) != 0, fd3.get("close_on_exec").asBoolean());
            assertEquals(Long.parseLong(fdinfo(pid, 3, "mnt_id")), fd3.get("mnt_id").asLong());
            assertEquals(Long.parseLong(fdinfo(pid, 3, "ino")), fd3.get("ino").asLong());
            assertEquals(10, fd3.get("size").asLong());
            assertEquals(fd3.get("objref"), fd4.get("objref"), "a dup is one open file");
            assertTrue(fd3.get("shared").asBoolean());
            assertArrayEquals(oddName, Base64.getDecoder().decode(fd5.get("path_b64").asText()), "raw name bytes");
            assertEquals(tmp + "/odd\\x0aname\\xff", fd5.get("path").asText(), "escaped name");
            assertEquals("CHR", fd6.get("type").asText());
            assertEquals("1:3", fd6.get("rdev").asText(), "/dev/null is 1:3");
            assertEquals(pid, cap.get("tasks").get(1).get("ppid").asInt());
        } finally {
            p.destroyForcibly();
            long kid = childOf(p.pid());
            if (kid > 0) ProcessHandle.of(kid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static JsonNode fdOf(JsonNode task, int fd) {
        for (JsonNode f : task.get("fds")) if (f.get("fd").asInt() == fd) return f;
        throw new AssertionError("no fd " + fd + " in " + task);
    }

    private static String fdinfo(long pid, int fd, String key) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "fdinfo", Integer.toString(fd)))) {
            if (l.startsWith(key + ":")) return l.substring(key.length() + 1).trim();
        }
        throw new AssertionError("no " + key + " in fdinfo " + fd);
    }

    private static long childOf(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.children().findFirst()).map(ProcessHandle::pid).orElse(0L);
    }

    /** Never a partial image under the name a complete one would have: it goes to NAME.partial, and NAME stays as it was. */
    @Test
    void aPartialImageGoesToDotPartialAndLeavesTheNameAlone() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "capture needs root");
        Process p = shell(tmp.resolve("f"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try {
            String[] sel = {"--pid", Long.toString(p.pid()), "--pid", Long.toString(gone.pid()), "--state-dir", tmp.resolve("state").toString()};
            Path img = tmp.resolve("out.img");
            Path partial = tmp.resolve("out.img.partial");
            Run r = run(concat(new String[] {"capture", "-o", img.toString()}, sel));
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.out().startsWith("partial: 1 tasks"), r.out());
            assertTrue(r.out().contains("not captured: pid " + gone.pid() + ": not_found"), r.out());
            assertTrue(r.out().contains("\npartial: 1 of 2 selected tasks left out (pid " + gone.pid() + ": not_found); image written to "
                    + partial + "\n"), r.out());
            assertFalse(Files.exists(img), "the complete image's name is not created");
            assertEquals(1, ImageReader.readImage(Files.readAllBytes(partial)).tasks().size());

            // an earlier complete image under the name is not replaced; --json names the file written
            Files.writeString(img, "an earlier complete image");
            Run j = run(concat(new String[] {"capture", "-o", img.toString(), "--json"}, sel));
            assertEquals(1, j.code(), j.err());
            JsonNode n = new ObjectMapper().readTree(j.out());
            assertTrue(n.get("partial").asBoolean());
            assertEquals(partial.toString(), n.get("file").asText());
            assertEquals("an earlier complete image", Files.readString(img));
            assertTrue(j.err().contains("fleetckpt capture: warning: partial: 1 of 2 selected tasks left out"), j.err());

            // stdout and devices take the partial image themselves, and stderr says it is partial
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            Run d = run(bytes, concat(new String[] {"capture", "-o", "-"}, sel));
            assertEquals(1, d.code(), d.err());
            assertTrue(d.err().contains("partial: 1 of 2 selected tasks left out (pid " + gone.pid() + ": not_found); image written to stdout"),
                    d.err());
            assertEquals(1, ImageReader.readImage(bytes.toByteArray()).tasks().size());
            Path nul = tmp.resolve("null");
            mknod(nul, 1, 3);
            Run v = run(concat(new String[] {"capture", "-o", nul.toString()}, sel));
            assertEquals(1, v.code(), v.err());
            assertTrue(v.err().startsWith("fleetckpt capture: warning: partial: 1 of 2 selected tasks left out"), v.err());
            assertFalse(Files.exists(tmp.resolve("null.partial")));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void aNegativeFreezeTimeoutIsAUsageError() {
        Run r = run("capture", "--pid", "1", "--freeze-timeout", "-5", "-o", tmp.resolve("x.img").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("fleetckpt capture: error: --freeze-timeout must be 0 or more milliseconds\n"), r.err());
    }

    @Test
    void aZeroOrUnreadableMaxFrozenIsAUsageError() {
        Run zero = run("capture", "--pid", "1", "--max-frozen", "0s", "-o", tmp.resolve("x.img").toString());
        assertEquals(2, zero.code());
        assertTrue(zero.err().startsWith("fleetckpt capture: error: invalid value for option '--max-frozen': '0s' is not a positive duration\n"), zero.err());
        Run word = run("capture", "--pid", "1", "--max-frozen", "soon", "-o", tmp.resolve("x.img").toString());
        assertEquals(2, word.code());
        assertTrue(word.err().contains("'soon' is not a duration"), word.err());
        assertFalse(Files.exists(tmp.resolve("x.img")));
    }

    @Test
    void aPidBelowOneIsAUsageErrorNotANoSuchProcess() {
        for (String[] sel : new String[][] {{"--pid", "0"}, {"--pid", "-5"}, {"--tree", "0"}, {"--tree", "-5"}}) {
            Run r = run("capture", sel[0], sel[1], "-o", tmp.resolve("x.img").toString());
            assertEquals(2, r.code(), r.err());
            assertEquals("fleetckpt capture: error: invalid value for option '" + sel[0] + "' (P): '" + sel[1]
                    + "' is not a process id (they start at 1)", r.err().lines().findFirst().orElse(""));
        }
        // the agent's and the request's selectors too
        for (String[] args : new String[][] {{"agent", "capture", "--checkpoint", "c1", "--pid", "1,0"},
                {"checkpoint", "--host", "h1", "--tree", "-5"}}) {
            CliRun r = CliRun.withEnv(java.util.Map.of(), args);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().lines().findFirst().orElse("").endsWith(" is not a process id (they start at 1)"), r.err());
        }
    }

    private void assertNothingCaptured(String why, String... selector) {
        List<String> args = new java.util.ArrayList<>(List.of("capture", "-o", tmp.resolve("x.img").toString()));
        args.addAll(List.of(selector));
        Run r = run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        assertEquals(List.of("fleetckpt capture: error: nothing captured; no image written", "  " + why), r.err().lines().toList());
    }

    @Test
    void aCommThatMatchesNothingSaysSo() {
        assertNothingCaptured("note: no process matched --comm ^no-such-comm-xyz$", "--comm", "^no-such-comm-xyz$");
    }

    @Test
    void aMissingCgroupIsNamedByItsSelectorNotByPidZero() {
        assertNothingCaptured("--cgroup /nonexistent-cgroup-xyz: not_found: no such cgroup", "--cgroup", "/nonexistent-cgroup-xyz");
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
        assertEquals("fleetckpt capture: error: -o " + dir + ": is a directory; nothing captured", r.err().strip());
        try (var left = Files.list(tmp)) {
            assertEquals(java.util.List.of(dir), left.toList(), "no temp file next to the target");
        }
    }

    @Test
    void aNameEndingInASlashIsADirectoryNotAFile() {
        Run r = run("capture", "--pid", "1", "-o", tmp.resolve("newdir") + "/");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("-o " + tmp.resolve("newdir") + "/: names a directory, not a file"), r.err());
        assertFalse(Files.exists(tmp.resolve("newdir")), "nothing written under the name without its slash");
    }

    @Test
    void anOutputInAMissingDirectoryNamesTheDirectory() {
        Path img = tmp.resolve("nope").resolve("x.img");
        Run r = run("capture", "--pid", Long.toString(ProcessHandle.current().pid()), "-o", img.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no such directory " + tmp.resolve("nope")), r.err());
    }

    /** As {@link #run}, with what {@code -o -} writes collected in {@code stdout}. */
    private static Run run(java.io.OutputStream stdout, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        ((CaptureCommand) cl.getSubcommands().get("capture").getCommand()).stdout = stdout;
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private void mknod(Path node, int major, int minor) throws Exception {
        Process p = new ProcessBuilder("mknod", node.toString(), "c", Integer.toString(major), Integer.toString(minor))
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
    }

    private static int fileType(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 0170000;
    }

    private List<Path> entries() throws Exception {
        try (var s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }

    /** A device node of the user's (mknod'ed here, never /dev's) is written through, not replaced by a regular file. */
    @Test
    void aDeviceNodeIsWrittenThroughAndStaysADevice() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "capture and mknod need root");
        Process p = shell(tmp.resolve("f"));
        try {
            Path nul = tmp.resolve("null");
            Path full = tmp.resolve("full");
            mknod(nul, 1, 3);
            mknod(full, 1, 7);
            List<Path> before = entries();
            Run ok = run("capture", "--pid", Long.toString(p.pid()), "-o", nul.toString(), "--state-dir", tmp.resolve("state").toString());
            assertEquals(0, ok.code(), ok.err());
            assertTrue(ok.out().contains("image written to " + nul + " ("), ok.out());
            assertEquals(0020000, fileType(nul), "still a character device");

            Run no = run("capture", "--pid", Long.toString(p.pid()), "-o", full.toString(), "--state-dir", tmp.resolve("state").toString());
            assertEquals(2, no.code(), no.out() + no.err());
            assertEquals("fleetckpt capture: error: -o " + full + ": the image could not be written: No space left on device",
                    no.err().strip());
            assertFalse(no.out().contains("image written"), no.out());
            assertEquals(0020000, fileType(full), "still a character device");
            List<Path> after = new java.util.ArrayList<>(entries());
            after.remove(tmp.resolve("state"));
            assertEquals(before, after, "no temp file left, nothing created");
        } finally {
            p.destroyForcibly();
        }
    }

    /** A FIFO streams the image to whoever reads it. */
    @Test
    void aFifoStreamsTheImage() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "capture needs root");
        Process p = shell(tmp.resolve("f"));
        Path fifo = tmp.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        java.util.concurrent.CompletableFuture<byte[]> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(2500); // a reader that comes late: the capture says what it waits for
                return Files.readAllBytes(fifo);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            Run r = run("capture", "--pid", Long.toString(p.pid()), "-o", fifo.toString(), "--state-dir", tmp.resolve("state").toString());
            assertEquals(0, r.code(), r.err());
            Image back = ImageReader.readImage(read.get(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(p.pid(), back.tasks().get(0).info().pid());
            assertEquals(0010000, fileType(fifo), "still a FIFO");
            assertTrue(r.err().contains("fleetckpt capture: waiting for a reader of " + fifo + " (a FIFO"), r.err());
        } finally {
            p.destroyForcibly();
        }
    }

    /** -o LINK writes the file the link names; the link stays a link. */
    @Test
    void aSymlinkIsFollowedAndKept() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "capture needs root");
        Process p = shell(tmp.resolve("f"));
        try {
            Path real = Files.writeString(Files.createDirectory(tmp.resolve("images")).resolve("real.img"), "old");
            Files.setPosixFilePermissions(real, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
            Path link = Files.createSymbolicLink(tmp.resolve("link.img"), Path.of("images/real.img"));
            Run r = run("capture", "--pid", Long.toString(p.pid()), "-o", link.toString(), "--state-dir", tmp.resolve("state").toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.isSymbolicLink(link), "the link stays");
            assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(real)),
                    "a replaced image keeps its mode");
            assertEquals(Path.of("images/real.img"), Files.readSymbolicLink(link));
            assertEquals(p.pid(), ImageReader.readImage(Files.readAllBytes(real)).tasks().get(0).info().pid());
            assertTrue(r.out().contains("image written to " + link + " (-> " + real + ") ("), r.out());
            try (var s = Files.list(real.getParent())) {
                assertEquals(List.of(real), s.toList(), "no temp file left beside the target");
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /** -o - puts the image on stdout and the summary on stderr; --json cannot share stdout with it. */
    @Test
    void dashWritesTheImageToStdoutAndTheSummaryToStderr() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "capture needs root");
        Process p = shell(tmp.resolve("f"));
        try {
            java.io.ByteArrayOutputStream image = new java.io.ByteArrayOutputStream();
            Run r = run(image, "capture", "--pid", Long.toString(p.pid()), "-o", "-", "--state-dir", tmp.resolve("state").toString());
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.out(), "stdout is the image's alone");
            assertTrue(r.err().contains("image written to stdout (" + image.size() + " bytes)"), r.err());
            assertEquals(p.pid(), ImageReader.readImage(image.toByteArray()).tasks().get(0).info().pid());
            assertFalse(Files.exists(tmp.resolve("-")));

            Run j = run(new java.io.ByteArrayOutputStream(), "capture", "--pid", Long.toString(p.pid()), "-o", "-", "--json");
            assertEquals(2, j.code());
            assertTrue(j.err().startsWith("fleetckpt capture: error: --json and -o - both want stdout"), j.err());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aSocketIsRefusedBeforeCapturing() throws Exception {
        Path sock = tmp.resolve("sock");
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(sock));
            Run r = run("capture", "--pid", Long.toString(ProcessHandle.current().pid()), "-o", sock.toString());
            assertEquals(2, r.code(), r.err());
            assertEquals("fleetckpt capture: error: -o " + sock + ": is a socket; nothing captured", r.err().strip());
        }
    }
}
