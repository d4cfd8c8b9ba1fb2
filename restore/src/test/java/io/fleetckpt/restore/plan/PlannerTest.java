package io.fleetckpt.restore.plan;

import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.restore.testing.Images;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Hostile and malformed images are refused by the planner, before anything is opened. */
class PlannerTest {
    private final Planner planner = new Planner(20000);

    private String refused(Image image) {
        PlanException e = assertThrows(PlanException.class,
                () -> planner.plan(image, List.of(), false, null, UnrestorablePolicy.DEVNULL));
        return e.getMessage();
    }

    @Test
    void truncatingOrCreatingFlagsAreRefusedNamingPidFdAndObjref() {
        String m = refused(Images.task(7).fd(3, FdType.FILE, "/etc/passwd", 01 | 01000, 0).build());
        assertTrue(m.contains("pid 7 fd 3 (objref 1)") && m.contains("O_TRUNC"), m);
        m = refused(Images.task(7).fd(4, FdType.FILE, "/tmp/new", 0100 | 01, 0).build());
        assertTrue(m.contains("O_CREAT"), m);
        m = refused(Images.task(7).fd(4, FdType.DIR, "/tmp", 020200000 | 02, 0).build());
        assertTrue(m.contains("O_TMPFILE"), m);
        m = refused(Images.task(7).fd(4, FdType.FILE, "/tmp/x", 0x40000000, 0).build());
        assertTrue(m.contains("bits an open file never has"), m);
        m = refused(Images.task(7).fd(4, FdType.CHR, "/dev/null", 0200 | 02, 0).build());
        assertTrue(m.contains("O_EXCL"), "O_EXCL is kept only by a pidfd (ANON): " + m);
    }

    /** What the kernel really keeps is not forged, only not reopened: each goes by the policy. */
    @Test
    void kernelKeptOddsAreUnrestorableNotForged() throws Exception {
        Image image = Images.task(7)
                .fd(3, FdType.FILE, "/tmp/#12 (deleted)", 020300002, 0)   // O_TMPFILE|O_RDWR, as fdinfo shows it
                .fd(4, FdType.ANON, "anon_inode:[pidfd]", 0202, 0)        // pidfd with PIDFD_THREAD keeps O_EXCL
                .fd(5, FdType.FILE, "/proc/1/mem", 0100000, -4294967296L) // lseek'd past 2^63
                .build();
        RestorePlan p = planner.plan(image, List.of(7), false, null, UnrestorablePolicy.SKIP);
        // a file execve opened keeps __FMODE_EXEC: valid, and reopened like any other
        RestorePlan exec = planner.plan(Images.task(7).fd(3, FdType.FILE, "/usr/bin/true", 0100040, 0).build(),
                List.of(7), false, null, UnrestorablePolicy.SKIP);
        assertEquals(Action.OPEN, exec.descriptions().get(1).action());
        assertEquals(List.of(Action.SKIP, Action.SKIP, Action.SKIP), p.descriptions().values().stream().map(DescriptionPlan::action).toList());
        assertEquals("an O_TMPFILE file never had a name to reopen", p.descriptions().get(1).why());
        assertTrue(p.descriptions().get(3).why().startsWith("negative position -4294967296"), p.descriptions().get(3).why());
    }

    @Test
    void pathOnlyDescriptionsWithFlagsTheKernelNeverKeepsAreRefused() throws Exception {
        // O_PATH with O_RDWR|O_APPEND: open(2) drops them, openat2 refuses them, f_flags never has them
        String m = refused(Images.task(7).fd(3, FdType.FILE, "/etc/passwd", 010000000 | 02 | 02000, 0).build());
        assertTrue(m.contains("pid 7 fd 3 (objref 1)") && m.contains("an O_PATH description keeps no flag"), m);
        m = refused(Images.task(7).fd(3, FdType.SYMLINK, "/etc/localtime", 0, 0).build());
        assertTrue(m.contains("only O_PATH|O_NOFOLLOW holds a symlink"), m);
        m = refused(Images.task(7).fd(3, FdType.SYMLINK, "/etc/localtime", 010000000, 0).build());
        assertTrue(m.contains("only O_PATH|O_NOFOLLOW holds a symlink"), m);
        RestorePlan ok = planner.plan(Images.task(7).fd(3, FdType.SYMLINK, "/etc/localtime", 010400000, 0)
                .fd(4, FdType.DIR, "/etc", 010200000, 0).fd(5, FdType.FILE, "/etc/passwd", 010000000 | 02000000, 0).build(),
                List.of(), false, null, UnrestorablePolicy.FAIL);
        assertEquals(3, ok.count(Action.OPEN));
    }

    @Test
    void pathTraversalAndNulBytesAreRefused() {
        String m = refused(Images.task(7).fd(3, FdType.FILE, "/data/../../etc/shadow", 0, 0).build());
        assertTrue(m.contains("not canonical") && m.contains("/data/../../etc/shadow"), m);
        m = refused(Images.task(7).fd(3, FdType.FILE, "/data//x", 0, 0).build());
        assertTrue(m.contains("not canonical"), m);
        m = refused(Images.task(7).fd(3, FdType.FILE, RawBytes.copyOf("/etc/x\0/y".getBytes()), 0, 0, false).build());
        assertTrue(m.contains("NUL byte at 6") && m.contains("\\x00"), m);
        m = refused(Images.task(7).fd(3, FdType.FILE, "/" + "a".repeat(5000), 0, 0).build());
        assertTrue(m.contains("exceeds PATH_MAX"), m);
    }

    @Test
    void absurdFdNumbersAndCountsAreRefused() {
        assertTrue(refused(Images.task(7).fd(-1, FdType.FILE, "/x", 0, 0).build()).contains("pid 7 fd -1: fd number outside"));
        assertTrue(refused(Images.task(7).fd(Integer.MAX_VALUE, FdType.FILE, "/x", 0, 0).build())
                .contains("fd 2147483647: fd number outside 0..19999"));
        assertTrue(refused(Images.task(7).fd(3, FdType.FILE, "/x", 0, 0).share(3, 1, false).build())
                .contains("fd 3: listed twice"));
        assertTrue(refused(Images.task(7).share(3, 99, false).build()).contains("objref 99 names no open file"));
        Images many = Images.task(7).fd(0, FdType.CHR, "/dev/null", 0, 0);
        for (int fd = 1; fd < 1_000_000; fd++) many.share(fd, 1, false);
        String m = refused(many.build());
        assertTrue(m.contains("1000000 fds, more than the fd limit 20000"), m);
    }

    @Test
    void tooManyTasksAreRefusedBeforeAnyIsStarted() {
        Images b = Images.task(2).fd(0, FdType.CHR, "/dev/null", 0, 0);
        for (int pid = 3; pid < 3 + Planner.MAX_TASKS; pid++) b.and(pid, 2).share(0, 1, false);
        PlanException e = assertThrows(PlanException.class,
                () -> planner.plan(b.build(), List.of(2), true, null, UnrestorablePolicy.SKIP));
        assertTrue(e.getMessage().contains("4097 tasks to restore"), e.getMessage());
    }

    @Test
    void selectionNamesMissingPidsAndTreeFollowsParents() throws Exception {
        Image image = Images.task(10).fd(3, FdType.FILE, "/a", 0, 0)
                .and(11, 10).share(3, 1, false)
                .and(12, 11).fd(4, FdType.FILE, "/b", 0, 0)
                .and(13, 1).fd(5, FdType.FILE, "/c", 0, 0).build();
        PlanException e = assertThrows(PlanException.class,
                () -> planner.plan(image, List.of(99), false, null, UnrestorablePolicy.SKIP));
        assertTrue(e.getMessage().contains("pid 99 is not in the image (pids: 10, 11, 12, 13)"), e.getMessage());
        RestorePlan p = planner.plan(image, List.of(11), true, null, UnrestorablePolicy.SKIP);
        assertEquals(List.of(11, 12), p.tasks().stream().map(TaskPlan::pid).toList());
        assertEquals(2, p.descriptions().size(), "the shared description is planned once");
        assertThrows(PlanException.class, () -> planner.plan(image, List.of(), false, null, UnrestorablePolicy.SKIP));
    }

    @Test
    void unrestorableKindsFollowThePolicy() throws Exception {
        Image image = Images.task(7).fd(0, FdType.FIFO, "pipe:[123]", 0, 0).fd(1, FdType.SOCK, "socket:[9]", 2, 0)
                .fd(2, FdType.ANON, "anon_inode:[eventfd]", 2, 0).fd(3, FdType.FILE, "/tmp/gone (deleted)", 2, 0)
                .fd(4, FdType.FILE, "/tmp/x", 2, 9).build();
        RestorePlan skip = planner.plan(image, List.of(), false, Path.of("/r"), UnrestorablePolicy.SKIP);
        assertEquals(4, skip.count(Action.SKIP));
        assertEquals(1, skip.count(Action.OPEN));
        assertArrayEquals("tmp/x".getBytes(), skip.descriptions().get(5).relativePath());
        assertTrue(skip.descriptions().get(4).why().contains("deleted"));
        assertEquals(4, planner.plan(image, List.of(), false, null, UnrestorablePolicy.DEVNULL).count(Action.PLACEHOLDER));
        assertEquals(4, planner.plan(image, List.of(), false, null, UnrestorablePolicy.FAIL).count(Action.FAIL));
    }
}
