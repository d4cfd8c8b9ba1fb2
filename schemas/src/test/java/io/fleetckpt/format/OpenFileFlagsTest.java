package io.fleetckpt.format;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.record.RecordType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FD_DATA's f_flags and f_mode as a kernel can show them: the reader refuses what no kernel
 * produces and keeps everything a kernel really shows (the values below marked "measured" are
 * /proc/self/fdinfo flags read on Linux 6.18, without the per-fd O_CLOEXEC).
 */
class OpenFileFlagsTest {
    /** One task, one fd, one open file: its FD_DATA starts here (HEAD, TREE, pids, TASK, STRING, FILES, FD_ENT before it). */
    private static final int FD_DATA = 232 + 16 + 16 + 32 + 24 + 16 + 24;
    private static final int F_MODE = FD_DATA + 8 + 2;
    private static final int F_FLAGS = FD_DATA + 8 + 4;
    private static final int RW_SEEK = 0x0f, R_SEEK = 0x0d, W_SEEK = 0x0e, LSEEK_PREAD = 0x0c;

    private static byte[] image(FdType type, int mode, int flags, long pos) {
        OpenFile f = new OpenFile(1, type, mode, flags, pos, 0, RawBytes.ofUtf8("/x"));
        Task t = new Task(SampleImages.info(100, 100, 1, "t"), 0, List.of(new FdEntry(3, false, 1)));
        return ImageWriter.toBytes(Image.of(SampleImages.goldenHeader(), List.of(t), Map.of(1, f)));
    }

    private static ImageFormatException refused(FdType type, int mode, int flags, FormatOptions o) {
        byte[] b = image(type, mode, flags, 0);
        return assertThrows(ImageFormatException.class, () -> ImageReader.readImage(b, o),
                type + " mode 0x" + Integer.toHexString(mode) + " flags 0" + Integer.toOctalString(flags) + " was accepted");
    }

    private static void accepted(FdType type, int mode, int flags, long pos, FormatOptions o) {
        byte[] b = image(type, mode, flags, pos);
        OpenFile back = assertDoesNotThrow(() -> ImageReader.readImage(b, o).openFiles().get(1),
                type + " mode 0x" + Integer.toHexString(mode) + " flags 0" + Integer.toOctalString(flags));
        assertEquals(flags, back.flags());
        assertEquals(mode, back.mode());
        assertEquals(pos, back.pos());
    }

    private static void accepted(FdType type, int mode, int flags) {
        accepted(type, mode, flags, 0, FormatOptions.DEFAULT);
    }

    private static void flagsError(ImageFormatException e, String... says) {
        assertEquals(RecordType.FD_DATA, e.recordType(), e.getMessage());
        assertEquals("f_flags", e.field(), e.getMessage());
        assertEquals(F_FLAGS, e.offset(), e.getMessage());
        assertEquals(FD_DATA, e.recordOffset(), e.getMessage());
        for (String s : says) assertTrue(e.getMessage().contains(s), e.getMessage() + " should say " + s);
    }

    private static void modeError(ImageFormatException e, String... says) {
        assertEquals(RecordType.FD_DATA, e.recordType(), e.getMessage());
        assertEquals("f_mode", e.field(), e.getMessage());
        assertEquals(F_MODE, e.offset(), e.getMessage());
        for (String s : says) assertTrue(e.getMessage().contains(s), e.getMessage() + " should say " + s);
    }

    @Test
    void allBitsSetIsRefusedNamingEachKindOfWrongBit() {
        ImageFormatException e = refused(FdType.FILE, RW_SEEK, 0xffffffff, FormatOptions.DEFAULT);
        flagsError(e, "0xffffffff", "O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC", "open(2) consumes", "O_CLOEXEC",
                "FD_ENT close_on_exec", String.format("unknown bits 0x%x", ~FileFlags.KNOWN_FLAGS));
        assertTrue(e.getMessage().startsWith("offset " + F_FLAGS + ": FD_DATA (303) record at " + FD_DATA + ", field f_flags: "),
                e.getMessage());
    }

    @Test
    void bitsTheKernelNeverKeepsAreRefused() {
        flagsError(refused(FdType.FILE, RW_SEEK, FileFlags.O_RDWR | FileFlags.O_CREAT, FormatOptions.DEFAULT), "O_CREAT,");
        flagsError(refused(FdType.FILE, R_SEEK, FileFlags.O_TRUNC, FormatOptions.DEFAULT), "O_TRUNC,");
        flagsError(refused(FdType.CHR, RW_SEEK, FileFlags.O_RDWR | FileFlags.O_NOCTTY, FormatOptions.DEFAULT), "O_NOCTTY,");
        flagsError(refused(FdType.FILE, R_SEEK, FileFlags.O_EXCL, FormatOptions.DEFAULT), "O_EXCL,");
        flagsError(refused(FdType.FILE, R_SEEK, FileFlags.O_CLOEXEC, FormatOptions.DEFAULT), "O_CLOEXEC, which is per fd");
        // the same bits under strict v13, which only O_CLOEXEC changes
        flagsError(refused(FdType.FILE, RW_SEEK, FileFlags.O_RDWR | FileFlags.O_TRUNC, FormatOptions.STRICT_V13), "O_TRUNC,");
    }

    @Test
    void unknownBitsAreRefused() {
        flagsError(refused(FdType.FILE, R_SEEK, 0x800000, FormatOptions.DEFAULT), "unknown bits 0x800000");
        flagsError(refused(FdType.SOCK, 0x03, FileFlags.O_RDWR | 0x80000000, FormatOptions.DEFAULT), "unknown bits 0x80000000");
        flagsError(refused(FdType.ANON, 0x03, FileFlags.O_RDWR | 0100, FormatOptions.DEFAULT), "O_CREAT,");
    }

    @Test
    void fModeMustAgreeWithTheAccessMode() {
        modeError(refused(FdType.FILE, RW_SEEK, FileFlags.O_RDONLY, FormatOptions.DEFAULT),
                "FMODE_READ|FMODE_WRITE where access mode 0 gives FMODE_READ", "f_flags 0x0 (O_RDONLY)");
        modeError(refused(FdType.FILE, R_SEEK, FileFlags.O_WRONLY, FormatOptions.DEFAULT), "access mode 1 gives FMODE_WRITE");
        modeError(refused(FdType.FILE, LSEEK_PREAD, FileFlags.O_RDWR, FormatOptions.DEFAULT), "neither FMODE_READ nor FMODE_WRITE");
        modeError(refused(FdType.CHR, RW_SEEK, 3, FormatOptions.DEFAULT), "access mode 3 gives neither");
        modeError(refused(FdType.FILE, RW_SEEK, FileFlags.O_WRONLY, FormatOptions.STRICT_V13), "access mode 1 gives FMODE_WRITE");
    }

    @Test
    void fModePathIffOPath() {
        modeError(refused(FdType.FILE, 0, FileFlags.O_PATH, FormatOptions.DEFAULT), "lacks FMODE_PATH");
        modeError(refused(FdType.FILE, FileFlags.FMODE_PATH | FileFlags.FMODE_READ, FileFlags.O_PATH, FormatOptions.DEFAULT),
                "FMODE_READ, which an O_PATH file never has");
        modeError(refused(FdType.FILE, FileFlags.FMODE_PATH, FileFlags.O_RDONLY, FormatOptions.DEFAULT), "only an O_PATH file");
        modeError(refused(FdType.FILE, FileFlags.FMODE_PATH, FileFlags.O_RDONLY, FormatOptions.STRICT_V13), "only an O_PATH file");
    }

    @Test
    void whatKernelsReallyShowIsValid() {
        accepted(FdType.FILE, RW_SEEK, 0100002);                // measured: O_RDWR|O_CREAT|O_TRUNC|O_EXCL|O_NOCTTY after open
        accepted(FdType.CHR, LSEEK_PREAD, 0100003);             // measured: /dev/null opened with access mode 3 (ioctl only)
        accepted(FdType.FILE, RW_SEEK, 020300002);              // measured: O_TMPFILE|O_RDWR keeps __O_TMPFILE|O_DIRECTORY
        accepted(FdType.FILE, W_SEEK, 020300001);               // measured: O_TMPFILE|O_WRONLY
        accepted(FdType.FILE, R_SEEK, 01104000);                // measured: F_SETFL FASYNC|O_NOATIME|O_NONBLOCK
        accepted(FdType.FILE, R_SEEK, 04150000);                // measured: O_DIRECT|O_SYNC
        accepted(FdType.FILE, R_SEEK, 0100040);                 // measured: binfmt_misc's AT_EXECFD, __FMODE_EXEC kept
        accepted(FdType.FILE, R_SEEK, 0100000 | FileFlags.FMODE_NONOTIFY_BIT); // a fanotify event fd before 6.14
        accepted(FdType.DIR, R_SEEK, 0300000);                  // measured: a directory
        accepted(FdType.FILE, FileFlags.FMODE_PATH, 010000000); // measured: O_PATH|O_RDWR|O_APPEND keeps O_PATH only
        accepted(FdType.SYMLINK, FileFlags.FMODE_PATH, 010400000); // measured: O_PATH|O_NOFOLLOW on a symlink
        accepted(FdType.CHR, RW_SEEK, 0100002);                 // measured: ptmx, a pts, /dev/tty
        accepted(FdType.ANON, 0x03, 02);                        // measured: eventfd, epoll, a socket
        accepted(FdType.ANON, 0x01, 0);                         // measured: inotify_init1(0)
        accepted(FdType.ANON, 0x03, 04002);                     // measured: signalfd, timerfd, pidfd NONBLOCK
        accepted(FdType.ANON, 0x01, 04000);                     // measured: userfaultfd, inotify IN_NONBLOCK
        accepted(FdType.ANON, 0x03, 0202);                      // measured: pidfd_open(PIDFD_THREAD): O_EXCL kept
        accepted(FdType.SOCK, 0x03, 04002);                     // measured: socketpair/accept4 SOCK_NONBLOCK
        accepted(FdType.FIFO, 0x01, 04000);                     // measured: pipe2(O_NONBLOCK|O_DIRECT) read end
        accepted(FdType.FIFO, 0x02, 044001);                    // measured: its write end keeps O_DIRECT
        accepted(FdType.FIFO, RW_SEEK, 0104002);                // measured: a fifo opened by path O_RDWR|O_NONBLOCK
        accepted(FdType.ANON, R_SEEK, 0100000);                 // measured: a namespace fd
        accepted(FdType.FILE, R_SEEK, 0100000, -4294967296L, FormatOptions.DEFAULT); // measured: /proc/self/mem lseek'd high
    }

    @Test
    void strictV13AcceptsWhat2628Wrote() {
        // 2.6.28 kept O_CLOEXEC and unknown bits in f_flags as open(2) was given them
        accepted(FdType.FILE, R_SEEK, FileFlags.O_CLOEXEC | FileFlags.O_LARGEFILE, 0, FormatOptions.STRICT_V13);
        accepted(FdType.FILE, RW_SEEK, FileFlags.O_RDWR | 0x40000000, 0, FormatOptions.STRICT_V13);
        // an O_PATH bit without FMODE_PATH is one of those unknown bits to 2.6.28, which had no O_PATH
        accepted(FdType.FILE, R_SEEK, FileFlags.O_PATH, 0, FormatOptions.STRICT_V13);
        // and what our agent writes under strict v13: an O_PATH file with FMODE_PATH
        accepted(FdType.FILE, FileFlags.FMODE_PATH, FileFlags.O_PATH, 0, FormatOptions.STRICT_V13);
        accepted(FdType.DIR, LSEEK_PREAD, 3 | FileFlags.O_DIRECTORY, 0, FormatOptions.STRICT_V13);
    }

    @Test
    void theStreamingReaderChecksAlike() throws IOException {
        byte[] b = image(FdType.FILE, RW_SEEK, FileFlags.O_RDONLY, 0);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageReader.readImage(new java.io.ByteArrayInputStream(b)));
        modeError(e, "access mode 0 gives FMODE_READ");
    }
}
