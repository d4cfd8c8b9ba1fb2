package io.fleetckpt.format;

import io.fleetckpt.format.record.CrHdr;
import io.fleetckpt.format.record.RecordType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernel-made images left padding and the bytes after a NUL unspecified (a reused, unzeroed
 * buffer): the reader must ignore them. Fills every such byte of the golden image with junk.
 */
class PaddingIgnoredTest {
    @Test
    void junkInPaddingAndAfterNulsIsIgnored() throws Exception {
        byte[] b = ImageWriter.toBytes(SampleImages.golden());
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int junked = 0;
        int at = 0;
        while (at < b.length) {
            int type = bb.getShort(at);
            int len = bb.getShort(at + 2);
            int p = at + CrHdr.SIZE;
            switch (type) {
                case RecordType.HEAD -> {
                    for (int field : new int[] {32, 96, 160}) {
                        int nul = field;
                        while (b[p + nul] != 0) nul++;
                        for (int i = nul + 1; i < field + 64; i++, junked++) b[p + i] = (byte) 0xA5;
                    }
                }
                case RecordType.TREE -> {
                    int n = bb.getInt(p);
                    for (int i = 4; i < 8; i++, junked++) b[p + i] = (byte) 0xA5;
                    for (int k = 0; k < n; k++) {
                        for (int i = 12; i < 16; i++, junked++) b[p + 8 + k * 16 + i] = (byte) 0xA5;
                    }
                    at = p + 8 + n * 16;
                    continue;
                }
                case RecordType.TASK, RecordType.FD_ENT -> {
                    for (int i = len - 4; i < len; i++, junked++) b[p + i] = (byte) 0xA5;
                }
                case RecordType.STRING -> {
                    int nul = 0;
                    while (nul < len && b[p + nul] != 0) nul++;
                    for (int i = nul + 1; i < len; i++, junked++) b[p + i] = (byte) 0xA5;
                }
                default -> { }
            }
            at = p + len;
        }
        assertTrue(junked > 100, "junked " + junked);
        assertEquals(SampleImages.goldenRenumbered(), ImageReader.readImage(b));
    }
}
