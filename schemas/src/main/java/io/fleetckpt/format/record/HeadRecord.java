package io.fleetckpt.format.record;

import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.RawBytes;

import java.io.IOException;

/** {@code struct cr_hdr_head} (224 bytes), the first record; parent 0. */
public final class HeadRecord {
    public static final int SIZE = 224;
    public static final long MAGIC = 0x00feed0cc0a2d200L;
    public static final int OFF_MAGIC = 0;
    public static final int OFF_MAJOR = 8;
    public static final int OFF_MINOR = 10;
    public static final int OFF_PATCH = 12;
    public static final int OFF_REV = 14;
    public static final int OFF_TIME = 16;
    public static final int OFF_FLAGS = 24;
    public static final int OFF_RELEASE = 32;
    public static final int OFF_VERSION = 96;
    public static final int OFF_MACHINE = 160;
    /** __NEW_UTS_LEN */
    public static final int UTS_LEN = 64;
    public static final StructLayout LAYOUT = StructLayout.of("cr_hdr_head", SIZE,
            "magic", OFF_MAGIC, "major", OFF_MAJOR, "minor", OFF_MINOR, "patch", OFF_PATCH,
            "rev", OFF_REV, "time", OFF_TIME, "flags", OFF_FLAGS, "release", OFF_RELEASE,
            "version", OFF_VERSION, "machine", OFF_MACHINE);

    private HeadRecord() {
    }

    public static void write(RecordOutput out, ImageHeader h) throws IOException {
        checkU16("major", h.major());
        checkU16("minor", h.minor());
        checkU16("patch", h.patch());
        checkU16("rev", h.rev());
        int p = CrHdr.write(out, RecordType.HEAD, SIZE, 0);
        out.putLong(p + OFF_MAGIC, MAGIC);
        out.putShort(p + OFF_MAJOR, h.major());
        out.putShort(p + OFF_MINOR, h.minor());
        out.putShort(p + OFF_PATCH, h.patch());
        out.putShort(p + OFF_REV, h.rev());
        out.putLong(p + OFF_TIME, h.time());
        out.putLong(p + OFF_FLAGS, h.flags());
        out.putBytes(p + OFF_RELEASE, uts("release", h.release()));
        out.putBytes(p + OFF_VERSION, uts("version", h.version()));
        out.putBytes(p + OFF_MACHINE, uts("machine", h.machine()));
    }

    public static ImageHeader read(RecordInput in) throws IOException {
        int p = in.expectFixed(RecordType.HEAD, SIZE);
        in.expectParent(0, "none");
        in.expectMagic(p, OFF_MAGIC, MAGIC);
        int rev = in.getUShort(p + OFF_REV);
        if (rev != ImageHeader.REV) throw in.error(OFF_REV, "rev", "format revision " + rev + ", must be " + ImageHeader.REV);
        long flags = in.getLong(p + OFF_FLAGS);
        // restart refused any flag but CR_CTX_CKPT
        if ((flags & ~ImageHeader.FLAGS_CKPT) != 0) {
            throw in.error(OFF_FLAGS, "flags", String.format("0x%x has bits other than CR_CTX_CKPT (0x1)", flags));
        }
        ImageHeader h = new ImageHeader(in.getUShort(p + OFF_MAJOR), in.getUShort(p + OFF_MINOR),
                in.getUShort(p + OFF_PATCH), rev, in.getLong(p + OFF_TIME), flags,
                CString.read(in.buffer(), p + OFF_RELEASE, UTS_LEN),
                CString.read(in.buffer(), p + OFF_VERSION, UTS_LEN),
                CString.read(in.buffer(), p + OFF_MACHINE, UTS_LEN));
        in.endRecord();
        return h;
    }

    private static RawBytes uts(String field, RawBytes s) {
        CString.checkFits("HEAD." + field, s, UTS_LEN);
        return s;
    }

    private static void checkU16(String field, int v) {
        if (v < 0 || v > 0xffff) throw new IllegalArgumentException("HEAD." + field + " " + v + " does not fit u16");
    }
}
