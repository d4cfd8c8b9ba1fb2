package io.fleetckpt.format.section;

import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageEvent;
import io.fleetckpt.format.ImageFormatException;
import io.fleetckpt.format.RecordStreamReader;
import io.fleetckpt.format.record.RecordInput;
import io.fleetckpt.format.record.RecordType;

import java.io.IOException;

/**
 * Parses a host stream's payloads in order, incrementally: {@link #feed} one payload, then pull
 * {@link #next()} until it returns null; state carries over, so a task section may span
 * payloads (records may not). Validates as the image reader does, with the host-stream rule that
 * FD_DATA + FNAME follow every FD_ENT; objrefs are host-stream scoped, from 1 in first-seen
 * order. Offsets in errors count from the start of the first payload (the concatenation the END
 * digest covers). For a seen objref, {@link #fdNew()} is false but {@link #openFile()} is there.
 */
public final class SectionReader extends RecordStreamReader {
    private SectionKind kind;
    private long streamOffset;
    private long payloadStart;
    private int payloads;

    public SectionReader() {
        this(FormatOptions.DEFAULT);
    }

    public SectionReader(FormatOptions options) {
        super(options, true);
    }

    /** Starts reading {@code payload}; the previous payload must have been read to its end. */
    public void feed(SectionKind kind, byte[] payload) throws ImageFormatException {
        if (in != null && in.available() > 0) throw new IllegalStateException("previous payload not read to its end");
        SectionKind expected = payloads == 0 ? SectionKind.BEGIN : isDone() ? null : SectionKind.TASKS;
        boolean ok = kind == expected || (kind == SectionKind.END && payloads > 0 && !isDone());
        if (!ok) {
            throw new ImageFormatException(streamOffset, RecordType.NONE, "chunk kind",
                    kind + " payload " + (payloads + 1) + (isDone() ? " after END" : ", expected " + expected));
        }
        this.kind = kind;
        this.payloadStart = streamOffset;
        this.in = new RecordInput(payload, 0, payload.length, streamOffset);
        streamOffset += payload.length;
        payloads++;
    }

    @Override
    public ImageEvent next() throws IOException {
        if (in == null) return null;
        ImageEvent ev = super.next();
        if (ev == null) return null;
        boolean allowed = switch (kind) {
            case BEGIN -> ev == ImageEvent.HEADER || ev == ImageEvent.TREE;
            case TASKS -> ev == ImageEvent.TASK || ev == ImageEvent.FD;
            case END -> ev == ImageEvent.END;
        };
        if (!allowed) {
            throw new ImageFormatException(eventOffset(), RecordType.NONE, "chunk kind",
                    ev + " inside a " + kind + " payload (BEGIN holds HEAD and TREE, TASKS task sections, END only TAIL)");
        }
        return ev;
    }

    @Override
    protected void endOfInput() throws ImageFormatException {
        // the payload ended at a record boundary: fine, unless its kind says more must be in it
        if (kind == SectionKind.BEGIN && !pastTree()) {
            throw new ImageFormatException(in.offset(), RecordType.NONE, "end of payload",
                    "BEGIN payload ends where " + expecting() + " should follow");
        }
        if (kind == SectionKind.END) {
            throw new ImageFormatException(in.offset(), RecordType.NONE, "end of payload",
                    "END payload ends where " + expecting() + " should follow");
        }
    }

    @Override
    protected void afterTail() throws ImageFormatException {
        if (in.available() > 0) {
            throw new ImageFormatException(in.offset(), RecordType.NONE, "trailing data", "bytes after TAIL in the END payload");
        }
    }

    /** True once END's TAIL was read: the host stream is complete and valid. */
    public boolean complete() {
        return isDone();
    }

    /** Offset of the current payload's first byte in the host stream. */
    public long payloadOffset() {
        return payloadStart;
    }
}
