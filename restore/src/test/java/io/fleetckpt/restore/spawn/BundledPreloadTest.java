package io.fleetckpt.restore.spawn;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BundledPreloadTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void bundled() {
        // the build compiles the library whenever /usr/bin/gcc exists, and CI installs gcc
        assumeTrue(Files.exists(Path.of("/usr/bin/gcc")), "no gcc at build time: nothing bundled");
        assertTrue(BundledPreload.available(), "gcc is installed, so the build must have bundled the library");
    }

    @Test
    void installsAnElfSharedObjectPrivatelyAndReusesIt() throws IOException {
        Path dir = tmp.resolve("cache");
        Path lib = BundledPreload.install(dir).orElseThrow();
        byte[] b = Files.readAllBytes(lib);
        assertArrayEquals(new byte[]{0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(b, 4));
        assertEquals(3, b[16], "e_type ET_DYN: a shared object");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("r-x------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib)));
        assertEquals(lib, BundledPreload.install(dir).orElseThrow());
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temp files left behind");
        }
    }

    @Test
    void replacesAFileWhoseBytesDiffer() throws IOException {
        Path dir = tmp.resolve("cache");
        Path lib = BundledPreload.install(dir).orElseThrow();
        byte[] good = Files.readAllBytes(lib);
        lib.toFile().setWritable(true, true);
        Files.write(lib, new byte[]{1, 2, 3});
        assertEquals(lib, BundledPreload.install(dir).orElseThrow());
        assertArrayEquals(good, Files.readAllBytes(lib));
    }

    @Test
    void refusesADirectoryOthersCanWrite() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> BundledPreload.install(dir));
        assertTrue(e.getMessage().contains("writable by others"), e.getMessage());
    }

    @Test
    void refusesALibraryPlantedAsASymlink() throws IOException {
        Path dir = tmp.resolve("cache");
        Path lib = BundledPreload.install(dir).orElseThrow();
        Files.delete(lib);
        Files.createSymbolicLink(lib, tmp.resolve("elsewhere.so"));
        IOException e = assertThrows(IOException.class, () -> BundledPreload.install(dir));
        assertTrue(e.getMessage().contains("symlink"), e.getMessage());
    }

    @Test
    void cacheDirFollowsXdgWhenAbsolute() {
        assertEquals(Path.of("/x/cache/fleetckpt"), BundledPreload.defaultCacheDir(Map.of("XDG_CACHE_HOME", "/x/cache")));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "fleetckpt"),
                BundledPreload.defaultCacheDir(Map.of("XDG_CACHE_HOME", "relative")));
    }

    @Test
    void cacheDirFollowsHomeBeforeThePasswdEntry() {
        assertEquals(Path.of("/h/me/.cache/fleetckpt"), BundledPreload.defaultCacheDir(Map.of("HOME", "/h/me")));
        assertEquals(Path.of("/x/fleetckpt"), BundledPreload.defaultCacheDir(Map.of("HOME", "/h/me", "XDG_CACHE_HOME", "/x")));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "fleetckpt"), BundledPreload.defaultCacheDir(Map.of()));
    }

    /** A cache the install refuses is a warning and no library, for the real run and the dry run alike. */
    @Test
    void aCacheThatCannotBeUsedIsAWarningNotAFailure() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("xdg/fleetckpt"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        for (boolean dry : new boolean[] {false, true}) {
            BundledPreload.Choice c = BundledPreload.chooseDefault(Map.of("XDG_CACHE_HOME", tmp.resolve("xdg").toString()), dry);
            assertNull(c.library(), "dry " + dry);
            assertTrue(c.warning().startsWith("cannot install the close-on-exec preload library in " + dir + " (preload directory "
                    + dir + " is writable by others (rwxrwxrwx)); going on as with --cloexec-preload none"), c.warning());
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertEquals(dir.resolve("libfleetckpt_cloexec.so"), BundledPreload.chooseDefault(Map.of("XDG_CACHE_HOME", tmp.resolve("xdg").toString()), true).library());
        assertNull(BundledPreload.chooseDefault(Map.of("XDG_CACHE_HOME", tmp.resolve("xdg").toString()), false).warning());
    }
}
