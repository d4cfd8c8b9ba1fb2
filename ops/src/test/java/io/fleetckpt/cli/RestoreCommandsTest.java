package io.fleetckpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.restore.testing.CPrograms;
import io.fleetckpt.restore.testing.Images;
import io.fleetckpt.restore.testing.ReportedTable;
import io.fleetckpt.restore.testing.StoreFixture;
import io.fleetckpt.store.FileSystemImageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The images, pull and restore commands end to end through picocli, on a real store and real processes. */
class RestoreCommandsTest {
    @TempDir
    Path tmp;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Image sample() throws Exception {
        Path f = tmp.resolve("data.txt");
        Files.write(f, new byte[64]);
        return Images.task(100).fd(3, FdType.FILE, f.toString(), 02 | 02000, 17)
                .fd(4, FdType.FIFO, "pipe:[42]", 1, 0).share(7, 1, true).build();
    }

    @Test
    void imagesListsCheckpointsHostsAndTotals() throws Exception {
        Image img = sample();
        StoreFixture.store(tmp.resolve("store"), "ck-1", "web-1", img);
        CliRun r = run("images", "--store", tmp.resolve("store").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ck-1  PARTIAL"), r.out());
        assertTrue(r.out().contains("1/2 hosts with images"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("web-1") && l.contains("STORED") && l.contains("2026-")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("web-9") && l.contains("deadline passed")), r.out());

        CliRun j = run("images", "--store", tmp.resolve("store").toString(), "--checkpoint", "ck-1", "--json");
        JsonNode n = new ObjectMapper().readTree(j.out()).get("checkpoints").get(0);
        assertEquals("ck-1", n.get("manifest").get("checkpointId").asText());
        assertEquals(3, n.get("totals").get("fds").asLong());
        assertEquals(ImageWriter.toBytes(img).length, n.get("totals").get("sizeBytes").asLong());

        assertEquals(2, run("images", "--store", tmp.resolve("store").toString(), "--checkpoint", "nope").code());
        CliRun missing = run("images", "--store", tmp.resolve("absent").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no image store at"), missing.err());
        assertFalse(Files.exists(tmp.resolve("absent")), "listing never creates a store");
    }

    @Test
    void anUnreadableManifestIsListedWithItsErrorAndHidesNoOther() throws Exception {
        Image img = sample();
        StoreFixture.store(tmp.resolve("store"), "ck-a", "web-1", img);
        FileSystemImageStore store = StoreFixture.store(tmp.resolve("store"), "ck-b", "web-1", img);
        Path bad = tmp.resolve("store/checkpoints/ck-a/manifest.json");
        bad.toFile().setWritable(true);
        Files.writeString(bad, "{\"formatVersion\": ");
        CliRun r = run("images", "--store", tmp.resolve("store").toString());
        assertEquals(2, r.code());
        assertTrue(r.out().contains("ck-b  PARTIAL"), "the readable checkpoint is still listed: " + r.out());
        // in its sorted place, before ck-b, and its error once, not again on stderr
        assertTrue(r.out().startsWith("ck-a  UNREADABLE  " + bad + ": invalid manifest: line 1, column 19: "), r.out());
        assertEquals(1, (r.out() + r.err()).split("invalid manifest", -1).length - 1, r.out() + r.err());
        assertEquals("fleetckpt images: error: 1 of 2 manifests unreadable (ck-a): see UNREADABLE above", r.err().strip());
        CliRun js = run("images", "--store", tmp.resolve("store").toString(), "--json");
        JsonNode j = new ObjectMapper().readTree(js.out());
        assertEquals(2, j.get("checkpoints").size());
        assertTrue(j.get("checkpoints").get(0).get("error").asText().contains("invalid manifest"), j.toString());
        assertEquals("ck-b", j.get("checkpoints").get(1).get("manifest").get("checkpointId").asText(), j.toString());
        assertEquals("fleetckpt images: error: 1 of 2 manifests unreadable (ck-a): see their \"error\" in the JSON", js.err().strip());
        assertTrue(store.readManifest("ck-b").isPresent());
    }

    @Test
    void progressBarForLargeImagesOnly() {
        StringWriter err = new StringWriter();
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(err));
        io.fleetckpt.restore.pull.StoredImageRef ref = new io.fleetckpt.restore.pull.StoredImageRef("ck", "web-1", null);
        p.progress(ref, 10, 1000);
        assertEquals("", err.toString(), "no bar for a small image");
        long total = 4L << 20;
        for (long done = 0; done <= total; done += 4096) p.progress(ref, done, total);
        assertTrue(err.toString().contains("web-1") && err.toString().contains("100% 4,194,304/4,194,304 bytes"), err.toString());
        assertEquals(101, err.toString().split("\r").length - 1, "redrawn once per percent");
        assertTrue(err.toString().endsWith("bytes\n"), "a finished bar ends its line");
        StringWriter half = new StringWriter();
        ConsoleProgress q = new ConsoleProgress(new PrintWriter(half));
        q.progress(ref, total / 2, total);
        q.endLine();
        q.endLine();
        assertTrue(half.toString().endsWith("50% 2,097,152/4,194,304 bytes\n"), "a bar cut short ends its line once: " + half);
    }

    @Test
    void pullVerifiesAndRefusesAlteredBytes() throws Exception {
        FileSystemImageStore store = StoreFixture.store(tmp.resolve("store"), "ck-2", "web-1", sample());
        Path out = tmp.resolve("out");
        CliRun ok = run("pull", "ck-2", "--store", tmp.resolve("store").toString(), "-o", out.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("sha256 verified"), ok.out());
        assertTrue(Files.exists(out.resolve("ck-2-web-1.img")));

        String sha = store.readManifest("ck-2").orElseThrow().host("web-1").orElseThrow().image().sha256();
        Path blob = store.blobFile(sha);
        byte[] b = Files.readAllBytes(blob);
        b[b.length - 3] ^= 1;
        blob.toFile().setWritable(true);
        Files.write(blob, b);
        Path notADir = Files.write(tmp.resolve("a-file"), new byte[0]);
        CliRun onFile = run("pull", "ck-2", "--store", tmp.resolve("store").toString(), "-o", notADir.toString());
        assertEquals(2, onFile.code());
        assertTrue(onFile.err().contains("OUTDIR " + notADir + " is not a directory"), onFile.err());
        CliRun below = run("pull", "ck-2", "--store", tmp.resolve("store").toString(), "-o", notADir.resolve("sub").toString());
        assertEquals(2, below.code());
        assertEquals("fleetckpt pull: error: cannot create the output directory " + notADir.resolve("sub") + ": Not a directory",
                below.err().strip());
        if (Files.isDirectory(Path.of("/sys/kernel"))) { // sysfs refuses mkdir even to root
            CliRun sys = run("pull", "ck-2", "--store", tmp.resolve("store").toString(), "-o", "/sys/fleetckpt-out");
            assertEquals("fleetckpt pull: error: cannot create the output directory /sys/fleetckpt-out: Operation not permitted",
                    sys.err().strip());
        }
        CliRun none = run("pull", "ck-nope", "--store", tmp.resolve("store").toString(), "-o", out.toString());
        assertEquals("fleetckpt pull: error: no checkpoint ck-nope in the store " + tmp.resolve("store"), none.err().strip());

        Path out2 = tmp.resolve("out2");
        CliRun bad = run("pull", "ck-2", "--host", "web-1", "--store", tmp.resolve("store").toString(), "-o", out2.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("checkpoint ck-2 host web-1 (sha256:" + sha + ")"), bad.err());
        try (Stream<Path> s = Files.list(out2)) {
            assertEquals(List.of(), s.toList());
        }
    }

    /** A store whose checkpoint ck-p is PARTIAL: host vm's image left a task out, host db's is complete, host web-9 failed. */
    private FileSystemImageStore partialStore() throws Exception {
        FileSystemImageStore store = new FileSystemImageStore(tmp.resolve("store"));
        Image image = sample();
        io.fleetckpt.store.StoredBlob blob = store.putBlob(ImageWriter.toBytes(image));
        java.util.function.Function<String, io.fleetckpt.store.ImageEntry> entry = reason -> new io.fleetckpt.store.ImageEntry(
                blob.sha256(), blob.sizeBytes(), blob.path(), 1, image.fdCount(), image.openFiles().size(), 1_796_325_901_000L, true,
                800, "run-1", reason);
        List<io.fleetckpt.store.HostEntry> hosts = List.of(
                io.fleetckpt.store.HostEntry.stored("vm", entry.apply(PARTIAL_REASON)),
                io.fleetckpt.store.HostEntry.stored("db", entry.apply(null)),
                io.fleetckpt.store.HostEntry.failed("web-9", "deadline passed: no END"));
        store.writeManifest(io.fleetckpt.store.CheckpointManifest.inProgress("ck-p", 1_796_325_900_000L, 1_796_325_960_000L, hosts)
                .withStatus(io.fleetckpt.store.CheckpointStatus.PARTIAL, 1_796_325_903_000L));
        return store;
    }

    private static final String PARTIAL_REASON = "1 selected task(s) left out: pid 999999: not_found: no such process";

    /** pull says which images are PARTIAL and why, and that the checkpoint is; exit 0 unless --fail-on-partial. */
    @Test
    void pullShowsPartialImagesAndTheCheckpointsStatus() throws Exception {
        partialStore();
        String storeDir = tmp.resolve("store").toString();
        Path out = tmp.resolve("out");
        CliRun r = run("pull", "ck-p", "--store", storeDir, "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        long size = Files.size(out.resolve("ck-p-vm.img"));
        assertTrue(r.out().contains(String.format("pulled vm -> %s (%,d bytes, sha256 verified; PARTIAL: %s)%n",
                out.resolve("ck-p-vm.img"), size, PARTIAL_REASON)), r.out());
        assertTrue(r.out().contains(String.format("pulled db -> %s (%,d bytes, sha256 verified)%n", out.resolve("ck-p-db.img"), size)),
                r.out());
        assertEquals("fleetckpt pull: checkpoint ck-p is PARTIAL: vm PARTIAL (" + PARTIAL_REASON
                + "); web-9 FAILED (deadline passed: no END)", r.err().strip());

        CliRun j = run("pull", "ck-p", "--store", storeDir, "-o", out.toString(), "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode n = new ObjectMapper().readTree(j.out());
        assertEquals("PARTIAL", n.get("status").asText());
        JsonNode db = n.get("images").get(0), vm = n.get("images").get(1);
        assertEquals("vm", vm.get("host").asText());
        assertEquals("PARTIAL", vm.get("status").asText());
        assertEquals(PARTIAL_REASON, vm.get("partialReason").asText());
        assertEquals("STORED", db.get("status").asText());
        assertNull(db.get("partialReason"));

        CliRun strict = run("pull", "ck-p", "--host", "db", "--store", storeDir, "-o", out.toString(), "--fail-on-partial");
        assertEquals(1, strict.code(), "db's image is complete, the checkpoint is not: " + strict.err());
    }

    /** restore --store of a PARTIAL image warns once, naming the reason. */
    @Test
    void restoreFromStoreWarnsOfAPartialImage() throws Exception {
        partialStore();
        String storeDir = tmp.resolve("store").toString();
        CliRun vm = run("restore", "--store", storeDir, "--checkpoint", "ck-p", "--host", "vm", "--pid", "100", "--dry-run");
        // the dry run's own verdict (the synthetic image's paths do not exist here) is not the point
        assertEquals(List.of("fleetckpt restore: warning: checkpoint ck-p host vm is a PARTIAL image: " + PARTIAL_REASON),
                vm.err().lines().filter(l -> l.contains("warning")).toList(), vm.err());
        CliRun db = run("restore", "--store", storeDir, "--checkpoint", "ck-p", "--host", "db", "--pid", "100", "--dry-run");
        assertEquals(List.of(), db.err().lines().filter(l -> l.contains("warning")).toList(), db.err());
        assertEquals(vm.code(), db.code(), "the same verdict for both hosts' images: " + vm.out() + db.out());
    }

    /** A device, FIFO or symlink at the image's name in OUTDIR is the user's: refused, not replaced by a regular file. */
    @Test
    void pullRefusesToReplaceANonRegularFileAtTheImagesName() throws Exception {
        StoreFixture.store(tmp.resolve("store"), "ck-5", "web-1", sample());
        Path out = Files.createDirectory(tmp.resolve("out"));
        Path name = out.resolve("ck-5-web-1.img");
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere"), "mine");
        Process fifo = new ProcessBuilder("mkfifo", name.toString()).start();
        assertEquals(0, fifo.waitFor());
        assertPullRefused(name, "not a regular file", () -> assertTrue(isFifo(name), "still a FIFO"));
        Files.delete(name);
        Files.createSymbolicLink(name, elsewhere);
        assertPullRefused(name, "a symlink", () -> assertTrue(Files.isSymbolicLink(name), "still a link"));
        assertEquals("mine", Files.readString(elsewhere));
        Files.delete(name);
        if ("root".equals(System.getProperty("user.name"))) {
            Process mk = new ProcessBuilder("mknod", name.toString(), "c", "1", "3").start();
            assertEquals(0, mk.waitFor());
            assertPullRefused(name, "not a regular file", () -> assertFalse(Files.isRegularFile(name), "still a device"));
            Files.delete(name);
        }
        // a regular file of that name, an earlier pull's, is replaced
        Files.writeString(name, "stale");
        CliRun ok = run("pull", "ck-5", "--store", tmp.resolve("store").toString(), "-o", out.toString());
        assertEquals(0, ok.code(), ok.err());
        assertEquals(100, io.fleetckpt.format.ImageReader.readImage(Files.readAllBytes(name)).tasks().get(0).info().pid());
    }

    private void assertPullRefused(Path name, String what, Runnable stillThere) {
        CliRun r = run("pull", "ck-5", "--store", tmp.resolve("store").toString(), "-o", name.getParent().toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("fleetckpt pull: error: " + name + " exists and is " + what
                + "; not replaced (remove it or pull into another OUTDIR)", r.err().lines().findFirst().orElse(""));
        stillThere.run();
        try (Stream<Path> s = Files.list(name.getParent())) {
            assertEquals(List.of(name), s.toList(), "no temp file left");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean isFifo(Path p) {
        try {
            return ((Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 0170000) == 0010000;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void restoreFromStoreAndFromFile() throws Exception {
        Image img = sample();
        StoreFixture.store(tmp.resolve("store"), "ck-3", "web-1", img);
        CliRun dry = run("restore", "--store", tmp.resolve("store").toString(), "--checkpoint", "ck-3", "--host", "web-1",
                "--pid", "100", "--dry-run", "--json");
        assertEquals(1, dry.code(), "the pipe would be a placeholder: partial, as the real run says\n" + dry.err());
        JsonNode fds = new ObjectMapper().readTree(dry.out()).get("tasks").get(0).get("fds");
        assertEquals("restored", fds.get(0).get("status").asText());
        assertEquals("placeholder", fds.get(1).get("status").asText());
        assertEquals("preload", fds.get(2).get("cloexec").asText(), "the build bundles the preload library (gcc is installed)");
        CliRun plain = run("restore", "--store", tmp.resolve("store").toString(), "--checkpoint", "ck-3", "--host", "web-1",
                "--pid", "100", "--dry-run", "--json", "--cloexec-preload", "none");
        assertEquals("deferred", new ObjectMapper().readTree(plain.out()).get("tasks").get(0).get("fds").get(2).get("cloexec").asText());

        Path file = tmp.resolve("ck.img");
        Files.write(file, ImageWriter.toBytes(img));
        Path report = tmp.resolve("report");
        CliRun r = run("restore", file.toString(), "--unrestorable", "skip", "--", CPrograms.get("fdreport").toString(),
                report.toString());
        assertEquals(1, r.code(), "the pipe was skipped: partial\n" + r.out() + r.err());
        assertTrue(r.out().contains("skipped"), r.out());
        assertTrue(r.err().contains("exited with 0"), r.err());
        ReportedTable t = ReportedTable.parse(Files.readString(report));
        assertEquals(List.of(3, 7), List.copyOf(t.fds().keySet()));
        assertEquals(17, t.fds().get(7).pos());
        assertTrue(t.fds().get(7).cloexec(), "saved with close-on-exec: the bundled library marked it again inside COMMAND");
        assertFalse(t.fds().get(3).cloexec());
        assertEquals("", t.cloexecEnv(), "the library consumed the list");

        Path report2 = tmp.resolve("report2");
        CliRun r2 = run("restore", file.toString(), "--unrestorable", "skip", "--cloexec-preload", "none", "--",
                CPrograms.get("fdreport").toString(), report2.toString());
        assertEquals(1, r2.code(), r2.out() + r2.err());
        ReportedTable t2 = ReportedTable.parse(CPrograms.awaitFile(report2));
        assertFalse(t2.fds().get(7).cloexec(), "without the library the flag cannot survive the exec");
        assertEquals("7", t2.cloexecEnv());
    }

    @Test
    void aMissingImageIsWordedAsInspectWordsIt() throws Exception {
        Path missing = tmp.resolve("nonexist.img");
        for (Path p : new Path[] {missing, tmp}) {
            CliRun restore = run("restore", p.toString(), "--dry-run");
            CliRun inspect = run("inspect", p.toString());
            assertEquals(2, restore.code());
            assertEquals(inspect.err().replace("fleetckpt inspect:", "fleetckpt restore:"), restore.err());
        }
        assertEquals("fleetckpt restore: error: " + missing + ": no such file\n", run("restore", missing.toString(), "--dry-run").err());
    }

    /** The report may go to a file or a script: the error line is on stderr too, and said once in the report. */
    @Test
    void aRootThatCannotBeOpenedIsOneErrorLineOnStderrAndOnceInTheReport() throws Exception {
        Path f = Files.write(tmp.resolve("a.txt"), new byte[8]);
        Path img = Files.write(tmp.resolve("two.img"), ImageWriter.toBytes(Images.task(102)
                .fd(3, FdType.FILE, f.toString(), 0, 1).fd(4, FdType.FILE, f.toString(), 0, 2).build()));
        String root = tmp.resolve("nonexistent").toString();
        for (String dry : new String[] {"--dry-run", "--json", ""}) {
            CliRun r = dry.isEmpty() ? run("restore", img.toString(), "--root", root, "--", "/bin/true")
                    : run("restore", img.toString(), "--root", root, dry, "--", "/bin/true");
            assertEquals(2, r.code(), r.out() + r.err());
            assertEquals("fleetckpt restore: error: cannot open the root " + root + ": openat2: No such file or directory (errno 2)",
                    r.err().strip(), dry);
            assertEquals(1, r.out().split("cannot open the root", -1).length - 1, "said once: " + r.out());
        }
    }

    @Test
    void aDryRunExitsWithTheCodeTheRealRunWould() throws Exception {
        Path f = Files.write(tmp.resolve("exact.txt"), new byte[64]);
        Path exact = Files.write(tmp.resolve("exact.img"), ImageWriter.toBytes(Images.task(101)
                .fd(3, FdType.FILE, f.toString(), 02, 17).build()));
        CliRun ok = run("restore", exact.toString(), "--dry-run", "--", "/bin/true");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("1 restored, 0 placeholder, 0 skipped, 0 failed"), ok.out());
        assertEquals(0, run("restore", exact.toString(), "--", "/bin/true").code());

        CliRun noRoot = run("restore", exact.toString(), "--root", tmp.resolve("nonexistent").toString(), "--dry-run",
                "--", "/bin/true");
        assertEquals(2, noRoot.code(), noRoot.out() + noRoot.err());
        assertTrue(noRoot.out().contains("error: cannot open the root " + tmp.resolve("nonexistent")), noRoot.out());
        assertTrue(noRoot.out().contains("0 restored, 0 placeholder, 0 skipped, 1 failed"), noRoot.out());
        assertEquals(2, run("restore", exact.toString(), "--root", tmp.resolve("nonexistent").toString(),
                "--", "/bin/true").code());

        Files.delete(f);
        CliRun gone = run("restore", exact.toString(), "--dry-run", "--json", "--", "/bin/true");
        assertEquals(1, gone.code(), gone.out() + gone.err());
        JsonNode fd = new ObjectMapper().readTree(gone.out()).get("tasks").get(0).get("fds").get(0);
        assertEquals("failed", fd.get("status").asText());
        assertEquals("no longer exists: " + f, fd.get("why").asText());
        assertEquals(1, run("restore", exact.toString(), "--", "/bin/true").code());
    }

    @Test
    void commandGetsTheSoftFdLimitTheLauncherReportsForTheCaller() throws Exception {
        Path file = Files.write(tmp.resolve("file.img"), ImageWriter.toBytes(sample()));
        Path report = tmp.resolve("report");
        CliRun r = CliRun.withEnv(java.util.Map.of("FLEETCKPT_FD_LIMIT", "700"), "restore", file.toString(), "--json",
                "--", CPrograms.get("fdreport").toString(), report.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals(700, ReportedTable.parse(CPrograms.awaitFile(report)).nofileSoft(), "the caller's, not the JVM's raised limit");
        assertEquals(700, new ObjectMapper().readTree(r.out()).get("tasks").get(0).get("fdLimit").asLong(), r.out());

        CliRun flag = run("restore", file.toString(), "--fd-limit", "600", "--dry-run");
        assertTrue(flag.out().contains("task 100 (t100), fd limit 600"), flag.out());
        CliRun bad = run("restore", file.toString(), "--fd-limit", "lots", "--dry-run");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--fd-limit (or FLEETCKPT_FD_LIMIT): 'lots' is not a positive number"), bad.err());
    }

    @Test
    void aStoreFromTheEnvironmentDoesNotStopARestoreOfAFile() throws Exception {
        Image img = sample();
        StoreFixture.store(tmp.resolve("store"), "ck-4", "web-1", img);
        Path file = Files.write(tmp.resolve("file.img"), ImageWriter.toBytes(img));
        java.util.Map<String, String> env = java.util.Map.of("FLEETCKPT_STORE", tmp.resolve("store").toString(),
                "FLEETCKPT_CHECKPOINT", "ck-4", "FLEETCKPT_HOST", "web-1");
        CliRun r = CliRun.withEnv(env, "restore", file.toString(), "--dry-run", "--json");
        assertEquals(1, r.code(), "a placeholder: partial\n" + r.out() + r.err());
        assertEquals(100, new ObjectMapper().readTree(r.out()).get("tasks").get(0).get("imagePid").asInt());
        CliRun fromStore = CliRun.withEnv(env, "restore", "--dry-run", "--json");
        assertEquals(1, fromStore.code(), "with no IMAGE the environment's store is used: " + fromStore.err());
        assertEquals(100, new ObjectMapper().readTree(fromStore.out()).get("tasks").get(0).get("imagePid").asInt());
    }

    @Test
    void captureThenRestoreThroughTheCli() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (String f : List.of("a.txt", "log.txt", "b.txt", "c.txt", "d.txt")) Files.write(data.resolve(f), new byte[300]);
        Path ready = tmp.resolve("ready");
        Process holder = new ProcessBuilder(CPrograms.get("holder").toString(), data.toString(), ready.toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String[] pids = CPrograms.awaitFile(ready).trim().split(" ");
        try {
            Path image = tmp.resolve("holder.img");
            CliRun cap = run("capture", "--pid", pids[0], "--state-dir", tmp.resolve("state").toString(), "-o", image.toString());
            assertEquals(0, cap.code(), cap.out() + cap.err());
            Path report = tmp.resolve("report");
            CliRun r = run("restore", image.toString(), "--unrestorable", "devnull", "--json", "--",
                    CPrograms.get("fdreport").toString(), report.toString());
            assertEquals(1, r.code(), "pipes became placeholders: partial\n" + r.err());
            JsonNode counts = new ObjectMapper().readTree(r.out()).get("counts");
            assertEquals(2, counts.get("placeholder").asInt(), r.out());
            ReportedTable t = ReportedTable.parse(Files.readString(report));
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), List.copyOf(t.fds().keySet()));
            assertEquals(100, t.fds().get(10).pos());
            assertEquals(02000, t.fds().get(4).flags() & 02000);
            assertEquals("/dev/null", t.fds().get(9).path());
            assertTrue(t.fds().get(6).cloexec(), "fd 6 was captured with close-on-exec and has it again in COMMAND");
            assertFalse(t.fds().get(5).cloexec());
            assertEquals("", t.cloexecEnv(), "the preload library consumed the list");
        } finally {
            new ProcessBuilder("kill", "-9", pids[0], pids[1]).start().waitFor();
            holder.waitFor();
        }
    }

    @Test
    void badAndHostileImagesExitTwoWithAClearMessage() throws Exception {
        // O_TRUNC: no kernel keeps it in f_flags, so the reader refuses the image before restore plans anything
        Path forged = tmp.resolve("forged.img");
        Files.write(forged, ImageWriter.toBytes(Images.task(5).fd(3, FdType.FILE, "/etc/passwd", 01 | 01000, 0).build()));
        CliRun r = run("restore", forged.toString(), "--", "true");
        assertEquals(2, r.code());
        assertTrue(r.err().contains(forged + ": offset 372: FD_DATA (303) record at 360, field f_flags: 0x201 (O_WRONLY|O_TRUNC)"),
                r.err());
        // a symlink held without O_PATH|O_NOFOLLOW: a valid image (the reader does not judge type against flags) that restore refuses
        Path tmpfile = tmp.resolve("tmpfile.img");
        Files.write(tmpfile, ImageWriter.toBytes(Images.task(5).fd(3, FdType.SYMLINK, "/etc/passwd", 0, 0).build()));
        CliRun t = run("restore", tmpfile.toString(), "--", "true");
        assertEquals(2, t.code());
        assertTrue(t.err().contains("refused: pid 5 fd 3 (objref 1)") && t.err().contains("only O_PATH|O_NOFOLLOW holds a symlink itself"), t.err());

        Path garbage = tmp.resolve("garbage.img");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        CliRun g = run("restore", garbage.toString(), "--", "true");
        assertEquals(2, g.code());
        assertTrue(g.err().contains("garbage.img"), g.err());

        CliRun noCommand = run("restore", tmpfile.toString());
        assertEquals(2, noCommand.code());
        assertTrue(noCommand.err().startsWith("fleetckpt restore: error: no COMMAND: put it after --\n"), noCommand.err());
        CliRun two = run("restore", "a.img", "b.img", "--", "true");
        assertEquals(2, two.code());
        assertTrue(two.err().startsWith("fleetckpt restore: error: give one IMAGE file"), two.err());
        CliRun both = run("restore", "--store", tmp.toString(), "--checkpoint", "c", "--host", "h", "a.img", "--", "true");
        assertEquals(2, both.code());
        assertTrue(both.err().startsWith("fleetckpt restore: error: give an IMAGE file or --store, not both\n"), both.err());

        Path ok = tmp.resolve("ok.img");
        Files.write(ok, ImageWriter.toBytes(sample()));
        CliRun missing = run("restore", ok.toString(), "--", tmp.resolve("no-such-program").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.out().contains("error: pid 100: cannot run") && missing.out().contains("No such file"), missing.out());
    }
}
