package io.fleetckpt.format;

import io.fleetckpt.format.record.RecordType;

import java.io.IOException;

/**
 * An image or host-stream payload that breaks the format. Names where: the byte offset of the
 * offending bytes, the record it belongs to (type and start offset), and the field. Offsets
 * count from the start of the image file, or of the host stream's concatenated payloads.
 */
public class ImageFormatException extends IOException {
    private final long offset;
    private final long recordOffset;
    private final int recordType;
    private final String field;
    private final String problem;

    public ImageFormatException(long offset, long recordOffset, int recordType, String field,
                                String problem) {
        super(format(offset, recordOffset, recordType, field, problem));
        this.offset = offset;
        this.recordOffset = recordOffset;
        this.recordType = recordType;
        this.field = field;
        this.problem = problem;
    }

    /** For errors that are not inside a record (the offset is where the record would start). */
    public ImageFormatException(long offset, int recordType, String field, String problem) {
        this(offset, offset, recordType, field, problem);
    }

    private static String format(long offset, long recordOffset, int recordType, String field,
                                 String problem) {
        StringBuilder sb = new StringBuilder("offset ").append(offset).append(": ");
        if (recordType != RecordType.NONE) {
            sb.append(RecordType.describe(recordType)).append(" record at ").append(recordOffset);
            sb.append(", ");
        }
        sb.append("field ").append(field).append(": ").append(problem);
        return sb.toString();
    }

    /** Byte offset of the offending bytes. */
    public long offset() {
        return offset;
    }

    /** Byte offset of the header of the record the offending bytes belong to. */
    public long recordOffset() {
        return recordOffset;
    }

    /** {@link RecordType} value of that record, or {@link RecordType#NONE}. */
    public int recordType() {
        return recordType;
    }

    public String field() {
        return field;
    }

    /** The message without the location. */
    public String problem() {
        return problem;
    }
}
