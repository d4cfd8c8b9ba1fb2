package io.fleetckpt.format;

import io.fleetckpt.format.model.Image;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Random models → write → read → the same model, renumbered in first-seen order. */
class ImagePropertyTest {
    @Test
    void randomModelsRoundTrip() throws Exception {
        RandomImages gen = new RandomImages(0xC0FFEE);
        for (int i = 0; i < 400; i++) {
            Image model = gen.next(false);
            byte[] bytes = ImageWriter.toBytes(model);
            Image expected = SampleImages.renumber(model);
            assertEquals(expected, ImageReader.readImage(bytes), "case " + i);
            // the streaming path, fed in small irregular reads, gives the same model
            assertEquals(expected, ImageReader.readImage(new TrickleInputStream(bytes, i)), "case " + i + " trickled");
            assertArrayEquals(bytes, ImageWriter.toBytes(expected), "case " + i + " rewrite");
        }
    }

    @Test
    void strictModelsRoundTripUnderStrictV13() throws Exception {
        RandomImages gen = new RandomImages(42);
        for (int i = 0; i < 100; i++) {
            Image model = gen.next(true);
            byte[] bytes = ImageWriter.toBytes(model, FormatOptions.STRICT_V13);
            assertEquals(SampleImages.renumber(model), ImageReader.readImage(bytes, FormatOptions.STRICT_V13), "case " + i);
        }
    }

    /** Returns at most a few bytes per read, to exercise buffer refills at every boundary. */
    static final class TrickleInputStream extends InputStream {
        private final byte[] b;
        private final int step;
        private int pos;

        TrickleInputStream(byte[] b, int seed) {
            this.b = b;
            this.step = 1 + seed % 13;
        }

        @Override
        public int read() {
            return pos < b.length ? b[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] dst, int off, int len) {
            if (pos >= b.length) return -1;
            int n = Math.min(Math.min(len, step), b.length - pos);
            System.arraycopy(b, pos, dst, off, n);
            pos += n;
            return n;
        }
    }
}
