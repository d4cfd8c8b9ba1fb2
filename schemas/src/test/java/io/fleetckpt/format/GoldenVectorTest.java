package io.fleetckpt.format;

import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.record.StructLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares the Java codec with src/test/c/golden.c, which declares the structs as the v13 kernel
 * did and writes the same sample image the way the kernel's writers did.
 */
class GoldenVectorTest {
    private static byte[] cImage;
    private static List<String> cLayout;

    @BeforeAll
    static void buildAndRunGolden() throws Exception {
        Path src = Path.of("src/test/c/golden.c").toAbsolutePath();
        Path dir = Path.of("target/golden");
        Files.createDirectories(dir);
        Path exe = dir.resolve("golden");
        Path img = dir.resolve("golden.img");
        Process cc;
        try {
            cc = new ProcessBuilder("gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-o",
                    exe.toString(), src.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("gcc is missing, golden vectors skipped: " + e.getMessage());
            return;
        }
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS), "gcc hung");
        assertEquals(0, cc.exitValue(), "gcc failed:\n" + ccOut);
        Process run = new ProcessBuilder(exe.toString(), img.toString()).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(30, TimeUnit.SECONDS), "golden hung");
        assertEquals(0, run.exitValue(), "golden failed: " + new String(run.getErrorStream().readAllBytes()));
        cImage = Files.readAllBytes(img);
        cLayout = out.lines().toList();
    }

    @Test
    void javaWriterProducesTheCBytes() {
        byte[] java = ImageWriter.toBytes(SampleImages.golden());
        int n = Math.min(java.length, cImage.length);
        for (int i = 0; i < n; i++) {
            if (java[i] != cImage[i]) {
                fail(String.format("first difference at offset %d: java 0x%02x, C 0x%02x", i, java[i] & 0xff, cImage[i] & 0xff));
            }
        }
        assertEquals(cImage.length, java.length, "image length");
    }

    @Test
    void readerDecodesTheCImage() throws Exception {
        Image img = ImageReader.readImage(cImage);
        assertEquals(SampleImages.goldenRenumbered(), img);
        // spot checks against values typed in golden.c, independent of SampleImages' renumbering
        assertEquals(5, img.tasks().size());
        assertEquals(9, img.tasks().get(2).tableRef());
        assertEquals(9, img.tasks().get(3).tableRef());
        assertEquals(img.tasks().get(2).fds(), img.tasks().get(3).fds());
        assertEquals(123456789012L, img.openFiles().get(7).pos());
        assertEquals("/tmp/\\xff\\x01n\\\\ame", img.openFiles().get(12).path().escaped());
        assertEquals("abcdefghijklmnop", img.tasks().get(4).info().comm().utf8Lossy());
    }

    @Test
    void strictV13ReaderRefusesTheExtensions() {
        ImageFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ImageFormatException.class,
                () -> ImageReader.readImage(cImage, FormatOptions.STRICT_V13));
        assertEquals("fd_type", e.field());
        assertEquals(io.fleetckpt.format.record.RecordType.FD_DATA, e.recordType());
    }

    @Test
    void javaLayoutsMatchGcc() {
        Map<String, Integer> sizes = new HashMap<>();
        Map<String, Integer> offsets = new HashMap<>();
        for (String line : cLayout) {
            String[] w = line.split(" ");
            if (w[0].equals("sizeof")) sizes.put(w[1], Integer.parseInt(w[2]));
            else if (w[0].equals("offsetof")) offsets.put(w[1] + "." + w[2], Integer.parseInt(w[3]));
        }
        Set<String> checked = new HashSet<>();
        for (StructLayout s : StructLayout.all()) {
            assertEquals(sizes.get(s.name()), s.size(), "sizeof " + s.name());
            s.offsets().forEach((field, off) -> {
                assertEquals(offsets.get(s.name() + "." + field), off, "offsetof " + s.name() + "." + field);
                checked.add(s.name() + "." + field);
            });
        }
        assertEquals(offsets.keySet(), checked, "fields gcc reports that Java does not declare");
        assertEquals(sizes.keySet().size(), StructLayout.all().size());
    }
}
