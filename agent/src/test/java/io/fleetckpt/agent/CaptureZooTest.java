package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.capture.FileMode;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.testing.Fixture;
import io.fleetckpt.agent.testing.ProcOracle;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.TaskInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fleetckpt.agent.testing.Captures.assumeRoot;
import static io.fleetckpt.agent.testing.Captures.capture;
import static io.fleetckpt.agent.testing.Captures.fd;
import static io.fleetckpt.agent.testing.Captures.task;
import static io.fleetckpt.agent.testing.Captures.tempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One fixture parent and its forked child holding every kind of fd issue 3 lists, captured
 * frozen, compared field by field with /proc read by the test and with kcmp called pairwise by
 * a C oracle.
 */
class CaptureZooTest {
    private static Fixture zoo;
    private static Path dir;
    private static Path state;
    private static String cgroupBefore;
    private static long memfdPosBefore;
    private static CaptureResult result;
    private static CaptureResult resultOneThread;

    @BeforeAll
    static void captureZoo() throws Exception {
        assumeRoot();
        dir = tempDir("zoo");
        state = tempDir("state");
        zoo = Fixture.start("zoo", dir.toString());
        cgroupBefore = Files.readString(Path.of("/proc", Integer.toString(zoo.pid), "cgroup"));
        memfdPosBefore = ProcOracle.pos(zoo.pid, zoo.fds.get("memfd_at_33"));
        result = capture(state, 2, new Selector.Tree(zoo.pid));
        resultOneThread = capture(state, 1, new Selector.Tree(zoo.pid));
    }

    @AfterAll
    static void stop() throws IOException {
        if (zoo != null) zoo.close();
    }

    private static CapturedTask parent() {
        return task(result, zoo.pid);
    }

    private static CapturedTask child() {
        return task(result, zoo.child);
    }

    private static CapturedFd p(String name) {
        return fd(parent(), zoo.fds.get(name));
    }

    @Test
    void capturesBothTasksFrozenAndCompletely() throws IOException {
        assertTrue(result.frozen(), "frozen");
        assertEquals(List.of(), result.errors());
        assertEquals(List.of(zoo.pid, zoo.child), result.tasks().stream().map(CapturedTask::pid).toList(), "TREE order");
        assertEquals(zoo.pid, child().info().ppid());
        for (CapturedTask t : result.tasks()) {
            assertEquals(ProcOracle.fds(t.pid()), new java.util.TreeSet<>(t.fds().stream().map(CapturedFd::fd).toList()),
                    "fd numbers of pid " + t.pid());
        }
    }

    @Test
    void everyFieldMatchesProc() throws IOException {
        for (CapturedTask t : result.tasks()) {
            for (CapturedFd f : t.fds()) {
                String where = "pid " + t.pid() + " fd " + f.fd() + " " + f.path();
                Map<String, String> info = ProcOracle.fdinfo(t.pid(), f.fd());
                int flags = Integer.parseInt(info.get("flags"), 8);
                assertEquals((flags & 02000000) != 0, f.closeOnExec(), where + " cloexec");
                assertEquals(flags & ~02000000, f.flags(), where + " flags");
                assertEquals(Long.parseLong(info.get("pos")), f.pos(), where + " pos");
                assertEquals(Integer.parseInt(info.get("mnt_id")), f.mntId(), where + " mnt_id");
                assertEquals(Long.parseLong(info.get("ino")), f.ino(), where + " ino");
                assertArrayEquals(ProcOracle.link(t.pid(), f.fd()), f.path().toByteArray(), where + " link");
                Map<String, Object> st = ProcOracle.stat(t.pid(), f.fd());
                assertEquals(((Number) st.get("dev")).longValue(), f.dev(), where + " dev");
                assertEquals(((Number) st.get("size")).longValue(), f.size(), where + " size");
                assertEquals(((Number) st.get("nlink")).longValue() == 0, f.deleted(), where + " deleted");
                assertEquals(((Number) st.get("mode")).intValue(), f.statMode(), where + " st_mode");
                assertEquals(((Number) st.get("rdev")).longValue(), f.rdev(), where + " st_rdev");
                assertEquals(((Number) st.get("ino")).longValue(), f.ino(), where + " stat ino");
                assertEquals(0, f.statErrno(), where);
                assertTrue(f.objref() > 0, where + " objref");
            }
        }
    }

    @Test
    void equalObjrefIffKcmpSaysSameFile() throws Exception {
        List<int[]> all = new ArrayList<>();
        List<Integer> refs = new ArrayList<>();
        StringBuilder in = new StringBuilder();
        for (CapturedTask t : result.tasks()) {
            for (CapturedFd f : t.fds()) {
                all.add(new int[] {t.pid(), f.fd()});
                refs.add(f.objref());
                in.append(t.pid()).append(' ').append(f.fd()).append('\n');
            }
        }
        Set<String> equal = new HashSet<>();
        for (String line : Fixture.oracle(in.toString(), "kcmp")) {
            assertFalse(line.startsWith("ERR"), "kcmp oracle failed: " + line);
            equal.add(line.substring(3));
        }
        int pairs = 0;
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                boolean same = equal.contains(i + " " + j);
                assertEquals(same, refs.get(i).equals(refs.get(j)),
                        "pid " + all.get(i)[0] + " fd " + all.get(i)[1] + " vs pid " + all.get(j)[0] + " fd " + all.get(j)[1]);
                if (same) pairs++;
            }
        }
        assertTrue(pairs > 40, "fork shares every inherited fd: " + pairs);
    }

    @Test
    void sharingCases() {
        CapturedFd rw = p("rw_at_4096");
        CapturedFd dup3 = p("dup3_cloexec_of_rw");
        assertEquals(rw.objref(), dup3.objref(), "dup3 shares the description");
        assertFalse(rw.closeOnExec());
        assertTrue(dup3.closeOnExec(), "cloexec is per fd");
        assertEquals(rw.objref(), p("dup_700").objref());
        assertEquals(rw.objref(), p("dup_high").objref());
        assertEquals(19000, p("dup_high").fd());
        assertNotEquals(rw.objref(), p("rw_nonblock_at_0").objref(), "separate open");

        CapturedFd shared = p("shared_seeked_by_child");
        CapturedFd inChild = fd(child(), shared.fd());
        assertEquals(shared.objref(), inChild.objref());
        assertEquals(42, shared.pos(), "the child's seek moved the shared position");
        CapturedFd own = fd(child(), zoo.childFds.get("separate_open_same_pos"));
        assertEquals(42, own.pos());
        assertEquals(shared.ino(), own.ino());
        assertEquals(shared.flags(), own.flags());
        assertNotEquals(shared.objref(), own.objref(), "same key, different description: kcmp split it");

        for (int std = 0; std <= 2; std++) assertEquals(fd(parent(), std).objref(), fd(child(), std).objref(), "fd " + std);

        int epoll = zoo.fds.get("epoll");
        assertEquals(fd(parent(), epoll).objref(), fd(child(), epoll).objref(), "epoll inherited");
        assertEquals(FdType.ANON, fd(parent(), epoll).type());
        assertTrue(fd(parent(), epoll).fdinfoExtra().utf8Lossy().contains("tfd:"), "epoll targets from fdinfo");
        String big = p("epoll_40_targets").fdinfoExtra().utf8Lossy();
        assertEquals(40, big.split("tfd:", -1).length - 1, "all 40 targets of an fdinfo record larger than the first read: " + big);
        int target = zoo.fds.get("epoll_target");
        assertTrue(child().fds().stream().noneMatch(f -> f.fd() == target
                && f.path().utf8Lossy().equals("anon_inode:[eventfd]") && f.objref() == fd(parent(), target).objref()),
                "the target was closed in the child");
        assertNotEquals(p("eventfd").objref(), fd(parent(), target).objref(), "two eventfds share an inode, not a file");
    }

    @Test
    void kindsFlagsAndModes() {
        CapturedFd rw = p("rw_at_4096");
        assertEquals(FdType.FILE, rw.type());
        assertEquals(4096, rw.pos());
        assertEquals(2, rw.flags() & 3);
        assertEquals(FileMode.FMODE_READ | FileMode.FMODE_WRITE | FileMode.FMODE_LSEEK | FileMode.FMODE_PREAD, rw.mode());
        CapturedFd ro = p("ro_at_1");
        assertEquals(1, ro.pos());
        assertEquals(0, ro.flags() & 3);
        assertEquals(FileMode.FMODE_READ | FileMode.FMODE_LSEEK | FileMode.FMODE_PREAD, ro.mode());
        CapturedFd wo = p("wo_append");
        assertEquals(02000, wo.flags() & 02000, "O_APPEND");
        assertEquals(1, wo.flags() & 3);
        assertEquals(5, wo.pos());
        assertEquals(FileMode.FMODE_WRITE | FileMode.FMODE_LSEEK | FileMode.FMODE_PREAD, wo.mode());
        assertEquals(04000, p("rw_nonblock_at_0").flags() & 04000, "O_NONBLOCK");
        assertEquals(FileMode.FMODE_READ | FileMode.FMODE_WRITE | FileMode.FMODE_LSEEK | FileMode.FMODE_PREAD, p("rw_nonblock_at_0").mode());
        assertEquals(rw.mode(), p("dup3_cloexec_of_rw").mode(), "one description, one f_mode");
        CapturedFd directory = p("dir");
        assertEquals(FdType.DIR, directory.type());
        assertEquals(0200000, directory.flags() & 0200000, "O_DIRECTORY");
        assertEquals(FileMode.FMODE_READ | FileMode.FMODE_LSEEK | FileMode.FMODE_PREAD, directory.mode(), "a directory is opened like a file");
        assertEquals(FileMode.FMODE_READ | FileMode.FMODE_WRITE | FileMode.FMODE_LSEEK | FileMode.FMODE_PREAD, p("name_space").mode());
        CapturedFd memfd = p("memfd_at_33");
        assertEquals(FdType.FILE, memfd.type());
        assertEquals(FileMode.FMODE_READ | FileMode.FMODE_WRITE | FileMode.FMODE_LSEEK | FileMode.FMODE_PREAD, memfd.mode(), "memfd: a shmem file");
        assertEquals(FdType.CHR, p("devnull_wo").type());
        assertEquals(FileMode.FMODE_WRITE | FileMode.FMODE_LSEEK | FileMode.FMODE_PREAD, p("devnull_wo").mode());
        assertEquals(FileMode.FMODE_READ | FileMode.FMODE_WRITE, p("sock_a").mode(), "sockets: the access bits only");
        assertEquals(FileMode.FMODE_READ | FileMode.FMODE_WRITE, p("eventfd").mode(), "anonymous inodes: the access bits only");
        assertEquals(FdType.FIFO, p("pipe_r").type());
        assertEquals(FileMode.FMODE_READ, p("pipe_r").mode());
        assertEquals(FileMode.FMODE_WRITE, p("pipe_w").mode());
        assertEquals(p("pipe_r").ino(), p("pipe_w").ino());
        assertNotEquals(p("pipe_r").objref(), p("pipe_w").objref());
        assertEquals(FdType.SOCK, p("sock_a").type());
        assertNotEquals(p("sock_a").objref(), p("sock_b").objref());
        assertEquals(FdType.ANON, p("eventfd").type());
        assertTrue(p("eventfd").fdinfoExtra().utf8Lossy().contains("eventfd-count"));
        CapturedFd opath = p("opath");
        assertEquals(FileMode.FMODE_PATH, opath.mode(), "O_PATH: neither READ nor WRITE");
        assertEquals(010000000, opath.flags() & 010000000);
        assertEquals(FdType.FILE, opath.type());
        CapturedFd blk = p("blk_opath");
        assertEquals(FdType.BLK, blk.type(), "fd type 4");
        assertEquals(0060000, blk.statMode() & 0170000);
        assertEquals(7L << 8 | 7, blk.rdev(), "the node's numbers, 7:7");
        assertEquals(010000000, blk.flags() & 010000000, "O_PATH in fdinfo flags");
        assertEquals(FileMode.FMODE_PATH, blk.mode());
        assertArrayEquals(bytes(dir + "/blockdev"), blk.path().toByteArray());
        if (zoo.fds.containsKey("blk_ro")) { // where loop7 answers an open
            CapturedFd blkRo = p("blk_ro");
            assertEquals(FdType.BLK, blkRo.type());
            assertEquals(0, blkRo.flags() & 3);
            assertEquals(FileMode.FMODE_READ | FileMode.FMODE_LSEEK | FileMode.FMODE_PREAD, blkRo.mode());
        }
        CapturedFd link = p("symlink_opath");
        assertEquals(FdType.SYMLINK, link.type(), "fd type 8: the link itself, not the file it names");
        assertEquals(0120000, link.statMode() & 0170000);
        assertEquals(010000000 | 0400000, link.flags() & (010000000 | 0400000), "O_PATH|O_NOFOLLOW in fdinfo flags");
        assertEquals(FileMode.FMODE_PATH, link.mode());
        assertArrayEquals(bytes(dir + "/link"), link.path().toByteArray());
        assertNotEquals(p("opath").ino(), link.ino(), "not the regular file's inode");
        CapturedFd ns = p("nsfs");
        assertTrue(ns.path().utf8Lossy().startsWith("net:["), ns.path().escaped());
        assertEquals(0100000, ns.statMode() & 0170000, "stat calls a namespace fd a regular file");
        assertEquals(FdType.ANON, ns.type(), "but its name is no path: not a FILE");
        assertTrue(zoo.fds.containsKey("unknown_chardev"), "/dev/net/tun or /dev/fuse should exist here");
        CapturedFd dev = p("unknown_chardev");
        assertEquals(FdType.CHR, dev.type());
        assertTrue(dev.rdev() != 0);
    }

    @Test
    void deletedFilesAndNames() {
        CapturedFd gone = p("deleted");
        assertTrue(gone.deleted());
        assertEquals(0, gone.nlink());
        assertTrue(gone.path().utf8Lossy().endsWith("/gone (deleted)"));
        CapturedFd sparse = p("deleted_sparse_10g");
        assertTrue(sparse.deleted());
        assertEquals(10L << 30, sparse.size());
        assertEquals(5L << 30, sparse.pos());
        CapturedFd live = p("live_named_deleted");
        assertFalse(live.deleted(), "a live file may be named '(deleted)'");
        assertTrue(live.path().utf8Lossy().endsWith("/tail (deleted)"));
        CapturedFd memfd = p("memfd_at_33");
        assertTrue(memfd.deleted());
        assertEquals(33, memfd.pos());
        assertTrue(memfd.path().utf8Lossy().startsWith("/memfd:fixture-memfd"));

        assertArrayEquals(bytes(dir + "/" + "x".repeat(200) + "/" + "y".repeat(150)), p("name_long").path().toByteArray(),
                "a name longer than the first readlink buffer");
        if (zoo.fds.containsKey("name_256")) assertEquals(256, p("name_256").path().length(), "a name exactly as long as the first buffer");
        assertArrayEquals(bytes(dir + "/with space"), p("name_space").path().toByteArray());
        assertArrayEquals(bytes(dir + "/new\nline"), p("name_newline").path().toByteArray());
        byte[] bad = bytes(dir + "/bad__utf8");
        bad[bad.length - 6] = (byte) 0xff;
        bad[bad.length - 5] = (byte) 0xfe;
        assertArrayEquals(bad, p("name_bad_utf8").path().toByteArray(), "invalid UTF-8 kept byte for byte");
    }

    @Test
    void targetUntouchedAndThawed() throws IOException {
        assertEquals(memfdPosBefore, ProcOracle.pos(zoo.pid, zoo.fds.get("memfd_at_33")), "memfd position");
        assertEquals(4096, ProcOracle.pos(zoo.pid, zoo.fds.get("rw_at_4096")));
        assertEquals(cgroupBefore, Files.readString(Path.of("/proc", Integer.toString(zoo.pid), "cgroup")), "back in its cgroup");
        try (var l = Files.list(Path.of("/sys/fs/cgroup/unified"))) {
            assertTrue(l.noneMatch(p -> p.getFileName().toString().startsWith("fleetckpt-" + ProcessHandle.current().pid())),
                    "the agent's cgroup was removed");
        }
        try (var l = Files.list(state)) {
            assertEquals(0, l.count(), "state file removed after thaw");
        }
        // Just after a thaw the task may briefly be R on its way back into read(); what matters is
        // that it settles in S (sleeping in read), not T (stopped) or D (frozen).
        char st = io.fleetckpt.agent.select.ProcStatAccess.state(zoo.pid);
        for (int i = 0; i < 200 && st != 'S'; i++) {
            sleepMs(10);
            st = io.fleetckpt.agent.select.ProcStatAccess.state(zoo.pid);
        }
        assertEquals('S', st, "running again (sleeping in read)");
    }

    @Test
    void singleThreadedCaptureIsIdentical() {
        // The TASK state is sampled before freezing, so it may differ between two captures (R or S);
        // everything else must be identical.
        assertEquals(withoutState(result.tasks()), withoutState(resultOneThread.tasks()), "same tasks, fds and objrefs");
        assertEquals(1, resultOneThread.threads());
    }

    @Test
    void mapsToTheFormatImage() {
        Image img = ImageMapper.toImage(result);
        assertEquals(2, img.tasks().size());
        assertEquals(result.openFileCount(), img.openFiles().size());
        assertEquals(parent().fds().size() + child().fds().size(), img.fdCount());
        assertEquals(1, img.openFiles().firstKey());
        assertEquals(img.openFiles().size(), img.openFiles().lastKey(), "objrefs dense from 1");
        var of = img.openFiles().get(p("rw_at_4096").objref());
        assertEquals(4096, of.pos());
        assertEquals(0, of.version());
        assertEquals(FdType.FILE, of.type());
        // first-seen order: parent's fds ascending get increasing new objrefs
        int max = 0;
        for (CapturedFd f : parent().fds()) {
            if (f.objref() > max) {
                assertEquals(max + 1, f.objref(), "fd " + f.fd());
                max = f.objref();
            }
        }
    }

    @Test
    void imagePassesTheValidatingReader() throws IOException {
        Image img = ImageMapper.toImage(result);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.fleetckpt.format.ImageWriter.write(img, out);
        Image back = io.fleetckpt.format.ImageReader.readImage(out.toByteArray());
        assertEquals(img.tasks(), back.tasks(), "objrefs were already in first-seen order");
        assertEquals(img.openFiles(), back.openFiles());
        assertEquals(img.header(), back.header());
    }

    @Test
    void strictV13LeavesOutWhatItCannotExpressAndSaysWhy() throws IOException {
        ImageMapper.Mapped m = ImageMapper.toImage(result, true);
        assertEquals(0, m.image().tasks().size(), "both tasks hold pipes and sockets");
        assertEquals(2, m.excluded().size());
        assertTrue(m.excluded().get(0).what().contains("strict v13"), m.excluded().get(0).what());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.fleetckpt.format.ImageWriter.write(m.image(), out, io.fleetckpt.format.FormatOptions.STRICT_V13);
        assertEquals(0, io.fleetckpt.format.ImageReader.readImage(out.toByteArray(), io.fleetckpt.format.FormatOptions.STRICT_V13).tasks().size());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<CapturedTask> withoutState(List<CapturedTask> tasks) {
        return tasks.stream().map(t -> new CapturedTask(new TaskInfo(
                t.info().pid(), t.info().tgid(), t.info().ppid(), t.info().comm(), 0,
                t.info().exitState(), t.info().exitCode(), t.info().exitSignal()),
                t.tableOwner(), t.tableRef(), t.fds())).toList();
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
