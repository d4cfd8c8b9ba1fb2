package io.fleetckpt.format;

import io.fleetckpt.format.model.Image;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageRoundTripTest {
    @Test
    void goldenModelReadsBackRenumberedInFirstSeenOrder() throws Exception {
        byte[] bytes = ImageWriter.toBytes(SampleImages.golden());
        Image back = ImageReader.readImage(new ByteArrayInputStream(bytes));
        assertEquals(SampleImages.goldenRenumbered(), back);
        assertEquals(9, back.tasks().get(2).tableRef());
        assertEquals(11, back.openFiles().size());
        // writing the read-back model gives the same bytes: the numbering is already canonical
        assertArrayEquals(bytes, ImageWriter.toBytes(back));
    }
}
