package io.fleetckpt.cli;

import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fleetckpt local --tree / --pid} on a process tree this test starts with known fds: the
 * default text output (checkpoint id, image path, inspect view), the image where --store (or
 * the data directory) puts it, and its fd tables compared with /proc of the live processes.
 */
class LocalCommandTest {
    private static final Pattern HEAD = Pattern.compile("^checkpoint (\\S+): STORED$", Pattern.MULTILINE);
    private static final Pattern IMAGE = Pattern.compile("^  image (\\S+)$", Pattern.MULTILINE);

    @Test
    void localCheckpointsTheNamedProcessesIntoTheStoreAsProcShowsThem(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "local freezes: needs root");
        Path read = Files.writeString(tmp.resolve("read me"), "0123456789");
        Path log = Files.writeString(tmp.resolve("log"), "x");
        Path rw = Files.writeString(tmp.resolve("rw"), "abcdef");
        // the child inherits 3 and 4; 5 is opened after it is forked, in the parent only
        Process sh = new ProcessBuilder("sh", "-c", "exec 3<'" + read + "' 4>>'" + log + "'; sleep 120 & exec 5<>'" + rw + "'; "
                + "read -r _ <&3; echo ready; wait").start();
        try {
            String ready = new java.io.BufferedReader(new java.io.InputStreamReader(sh.getInputStream())).readLine();
            assertEquals("ready", ready, "the shell read one line of fd 3: its position is 10 (EOF)");
            int parent = (int) sh.pid();
            int child = childOf(parent);

            Path store = tmp.resolve("my-store");
            CliRun tree = CliRun.of("local", "--data", tmp.resolve("data").toString(), "--store", store.toString(),
                    "--tree", Integer.toString(parent));
            assertEquals(0, tree.code(), tree.err() + tree.out());
            Matcher id = HEAD.matcher(tree.out());
            assertTrue(id.find(), tree.out());
            assertTrue(id.group(1).startsWith("local-"), id.group(1));
            Path image = image(tree.out());
            assertTrue(image.startsWith(store), "the image is in --store: " + image);
            assertTrue(tree.out().contains("verdict: VALID"), "the inspect view follows: " + tree.out());
            assertTrue(tree.out().contains("TASK  pid " + parent + " ") && tree.out().contains("TASK  pid " + child + " "), tree.out());
            assertTrue(tree.out().contains(read.toString()), "paths shown by inspect: " + tree.out());
            Image img = ImageReader.readImage(Files.readAllBytes(image));
            assertEquals(List.of(parent, child), img.tasks().stream().map(t -> t.info().pid()).toList(), "the tree, parent first");
            for (Task t : img.tasks()) assertMatchesProc(img, t);
            Map<Integer, OpenFile> parentFds = files(img, img.tasks().get(0));
            assertEquals(10, parentFds.get(3).pos(), "read to EOF");
            assertEquals(02000, parentFds.get(4).flags() & 02000, "O_APPEND");
            assertEquals(2, parentFds.get(5).flags() & 3, "O_RDWR");
            Map<Integer, OpenFile> childFds = files(img, img.tasks().get(1));
            assertEquals(parentFds.get(3).objref(), childFds.get(3).objref(), "inherited: one open file");
            assertTrue(!childFds.containsKey(5), "opened after the fork");

            CliRun one = CliRun.of("local", "--data", tmp.resolve("data2").toString(), "--pid", Integer.toString(child));
            assertEquals(0, one.code(), one.err() + one.out());
            Path second = image(one.out());
            assertTrue(second.startsWith(tmp.resolve("data2").resolve("store")), "default store: DATA/store: " + second);
            Image only = ImageReader.readImage(Files.readAllBytes(second));
            assertEquals(List.of(child), only.tasks().stream().map(t -> t.info().pid()).toList(), "--pid: that process only");
            assertMatchesProc(only, only.tasks().get(0));
        } finally {
            ProcessHandle.of(sh.pid()).ifPresent(h -> h.descendants().forEach(ProcessHandle::destroyForcibly));
            sh.destroyForcibly().waitFor();
        }
    }

    private static Path image(String out) {
        Matcher m = IMAGE.matcher(out);
        assertTrue(m.find(), out);
        Path p = Path.of(m.group(1));
        assertTrue(Files.isRegularFile(p), p.toString());
        return p;
    }

    private static int childOf(int parent) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            var kids = ProcessHandle.of(parent).orElseThrow().children().toList();
            if (!kids.isEmpty()) return (int) kids.get(0).pid();
            Thread.sleep(10);
        }
        throw new AssertionError("no child of " + parent);
    }

    private static Map<Integer, OpenFile> files(Image img, Task t) {
        Map<Integer, OpenFile> m = new TreeMap<>();
        for (FdEntry e : t.fds()) m.put(e.fd(), img.openFiles().get(e.objref()));
        return m;
    }

    /** Every fd of the task as /proc shows it now: the same numbers, paths, flags, cloexec, positions. */
    private static void assertMatchesProc(Image img, Task t) throws IOException {
        int pid = t.info().pid();
        Path fdDir = Path.of("/proc", Integer.toString(pid), "fd");
        List<Integer> live;
        try (var l = Files.list(fdDir)) {
            live = l.map(p -> Integer.parseInt(p.getFileName().toString())).sorted().toList();
        }
        assertEquals(live, t.fds().stream().map(FdEntry::fd).toList(), "fd numbers of pid " + pid);
        for (FdEntry e : t.fds()) {
            String where = "pid " + pid + " fd " + e.fd();
            OpenFile f = img.openFiles().get(e.objref());
            Map<String, String> info = fdinfo(pid, e.fd());
            int flags = Integer.parseInt(info.get("flags"), 8);
            assertEquals((flags & 02000000) != 0, e.closeOnExec(), where + " cloexec");
            assertEquals(flags & ~02000000, f.flags(), where + " flags");
            assertEquals(Long.parseLong(info.get("pos")), f.pos(), where + " pos");
            assertEquals(Files.readSymbolicLink(fdDir.resolve(Integer.toString(e.fd()))).toString(), f.path().utf8Lossy(), where + " path");
        }
    }

    private static Map<String, String> fdinfo(int pid, int fd) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "fdinfo", Integer.toString(fd)))) {
            int c = line.indexOf(':');
            if (c > 0) m.putIfAbsent(line.substring(0, c), line.substring(c + 1).trim());
        }
        return m;
    }
}
