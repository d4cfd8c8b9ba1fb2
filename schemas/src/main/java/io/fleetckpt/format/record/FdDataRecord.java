package io.fleetckpt.format.record;

import io.fleetckpt.format.OpenFileRules;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;

import java.io.IOException;

/**
 * {@code struct cr_hdr_fd_data {u16 fd_type; u16 f_mode; u32 f_flags; u64 f_pos; u64 f_version;}}
 * (24 bytes), parent = the open file's objref, always followed by FNAME.
 */
public record FdDataRecord(FdType type, int mode, int flags, long pos, long version) {
    public static final int SIZE = 24;
    public static final int OFF_FD_TYPE = 0;
    public static final int OFF_F_MODE = 2;
    public static final int OFF_F_FLAGS = 4;
    public static final int OFF_F_POS = 8;
    public static final int OFF_F_VERSION = 16;
    public static final StructLayout LAYOUT = StructLayout.of("cr_hdr_fd_data", SIZE,
            "fd_type", OFF_FD_TYPE, "f_mode", OFF_F_MODE, "f_flags", OFF_F_FLAGS,
            "f_pos", OFF_F_POS, "f_version", OFF_F_VERSION);

    public static FdDataRecord of(OpenFile f) {
        return new FdDataRecord(f.type(), f.mode(), f.flags(), f.pos(), f.version());
    }

    /** @param strictV13 refuse every type but FILE and DIR, as the v13 kernel did */
    public void write(RecordOutput out, int objref, boolean strictV13) throws IOException {
        if (type == null) throw new IllegalArgumentException("open file " + objref + " has no fd type");
        if (strictV13 && !type.isV13()) {
            throw new IllegalArgumentException("open file " + objref + " is a " + type + "; strict v13 allows FILE and DIR only");
        }
        if (mode < 0 || mode > 0xffff) throw new IllegalArgumentException("open file " + objref + ": f_mode " + mode + " does not fit u16");
        int p = CrHdr.write(out, RecordType.FD_DATA, SIZE, objref);
        out.putShort(p + OFF_FD_TYPE, type.code);
        out.putShort(p + OFF_F_MODE, mode);
        out.putInt(p + OFF_F_FLAGS, flags);
        out.putLong(p + OFF_F_POS, pos);
        out.putLong(p + OFF_F_VERSION, version);
    }

    /**
     * Field checks only (fd_type, and f_flags and f_mode as {@link OpenFileRules} says a kernel
     * can show them); the caller checks the parent against the FD_ENT's objref.
     */
    public static FdDataRecord read(RecordInput in, boolean strictV13) throws IOException {
        int p = in.payloadIndex();
        FdDataRecord r = new FdDataRecord(check(in, strictV13), in.getUShort(p + OFF_F_MODE), in.getInt(p + OFF_F_FLAGS),
                in.getLong(p + OFF_F_POS), in.getLong(p + OFF_F_VERSION));
        in.endRecord();
        return r;
    }

    /**
     * The field checks of {@link #read} without building the record (readers of millions of
     * records take the fields themselves from {@link RecordInput#payloadIndex()}); leaves the
     * record unconsumed.
     *
     * @return the fd type
     */
    public static FdType check(RecordInput in, boolean strictV13) throws IOException {
        int p = in.expectFixed(RecordType.FD_DATA, SIZE);
        int code = in.getUShort(p + OFF_FD_TYPE);
        FdType type = FdType.ofCode(code);
        if (type == null) throw in.error(OFF_FD_TYPE, "fd_type", "unknown fd type " + code + " (known: 1..8)");
        if (strictV13 && !type.isV13()) {
            throw in.error(OFF_FD_TYPE, "fd_type", "fd type " + code + " (" + type + ") is an extension; strict v13 allows 1 (FILE) and 2 (DIR) only");
        }
        int flags = in.getInt(p + OFF_F_FLAGS);
        String wrong = OpenFileRules.flagsProblem(type, flags, strictV13);
        if (wrong != null) throw in.error(OFF_F_FLAGS, "f_flags", wrong);
        wrong = OpenFileRules.modeProblem(in.getUShort(p + OFF_F_MODE), flags, strictV13);
        if (wrong != null) throw in.error(OFF_F_MODE, "f_mode", wrong);
        return type;
    }

    public OpenFile toOpenFile(int objref, RawBytes path) {
        return new OpenFile(objref, type, mode, flags, pos, version, path);
    }
}
