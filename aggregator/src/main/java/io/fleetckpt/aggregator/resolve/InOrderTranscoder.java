package io.fleetckpt.aggregator.resolve;

import io.fleetckpt.aggregator.reassemble.CompleteStream;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageEvent;
import io.fleetckpt.format.record.CrHdr;
import io.fleetckpt.format.record.FdEntRecord;
import io.fleetckpt.format.section.SectionKind;
import io.fleetckpt.format.section.SectionReader;
import io.fleetckpt.messages.RecordChunk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The fast path of resolution. A host stream whose task sections already come in TREE order with
 * objrefs numbered in first-seen order (what the agent's section writer produces) differs from
 * its image in one rule only: the stream repeats FD_DATA + FNAME after every FD_ENT, the image
 * keeps them after an objref's first FD_ENT. So the image is the stream's records copied as they
 * are, minus the repeats: no model, no re-encoding. The codec's section reader validates every
 * record on the way; a repeat must carry exactly the bytes of the first description.
 *
 * <p>The image is therefore valid by construction ({@link EncodedImage#validated()}): the
 * section reader and the image reader are one state machine ({@code RecordStreamReader}) whose
 * grammars differ only in that rule, every record is checked by it and copied byte for byte,
 * and the events it reports are checked to cover the stream without gap or overlap, so what is
 * left out is exactly the repeated FD_DATA + FNAME. Reading the image again would repeat the
 * same checks on the same records.
 *
 * <p>Returns null when the stream is not in that order (or not valid): the general path
 * ({@link HostStreamParser} + {@link ObjrefResolver}) then resolves it, or names what is wrong.
 */
public final class InOrderTranscoder {
    private static final int FD_ENT_BYTES = CrHdr.SIZE + FdEntRecord.SIZE;
    private final FormatOptions options;

    public InOrderTranscoder(FormatOptions options) {
        this.options = options;
    }

    /** The image in an array of its own, or null (see the class comment). */
    public EncodedImage transcode(CompleteStream s) {
        EncodedImage image = transcode(s, new ImageBuffer());
        return image == null ? null : image.exact();
    }

    /**
     * As {@link #transcode(CompleteStream)}, written into {@code buffer}'s array: the image is
     * valid until the buffer is used again.
     */
    public EncodedImage transcode(CompleteStream s, ImageBuffer buffer) {
        int n = s.chunks().size();
        byte[][] payloads = new byte[n + 1][];
        long[] starts = new long[n + 2];
        for (int i = 0; i <= n; i++) {
            RecordChunk c = i < n ? s.chunks().get(i) : s.end();
            payloads[i] = array(c.getPayload());
            starts[i + 1] = starts[i] + payloads[i].length;
        }
        Source src = new Source(payloads, starts);
        SectionReader reader = new SectionReader(options);
        // the image is the stream minus the repeats: never longer
        byte[] out = buffer.bytes((int) Math.min(Integer.MAX_VALUE - 16, starts[n + 1]));
        int len = 0;
        long[] firstData = buffer.objrefs(null, 1024); // per objref: start of its FD_DATA (stream offset) and length, packed
        int tables = 0;
        long next = 0; // where the next event must start: every byte of the stream is in exactly one event
        try {
            for (int i = 0; i <= n; i++) {
                SectionKind kind = i == 0 ? SectionKind.BEGIN : i == n ? SectionKind.END : SectionKind.TASKS;
                reader.feed(kind, payloads[i]);
                for (ImageEvent ev = reader.next(); ev != null; ev = reader.next()) {
                    long from = reader.eventOffset();
                    long to = reader.offset();
                    if (from != next) return null;
                    next = to;
                    if (ev == ImageEvent.TASK && reader.tableRef() != 0 && !reader.tableRepeat()) tables++;
                    if (ev == ImageEvent.FD) {
                        int ref = reader.fdObjref();
                        long dataAt = from + FD_ENT_BYTES;
                        int dataLen = (int) (to - dataAt);
                        if (ref >= firstData.length) firstData = buffer.objrefs(firstData, ref + 1);
                        if (reader.fdNew()) {
                            firstData[ref] = (dataAt << 16) | dataLen;
                        } else {
                            long first = firstData[ref];
                            if (!src.sameBytes(first >>> 16, (int) (first & 0xffff), dataAt, dataLen)) return null;
                            to = dataAt; // the image keeps only the FD_ENT of a repeat
                        }
                    }
                    len = src.copy(from, to, out, len);
                }
            }
        } catch (IOException e) {
            // in memory, only a format error: the general path names it (or copes with the order)
            return null;
        }
        if (!reader.complete() || next != starts[n + 1]) return null;
        return new EncodedImage(out, len, reader.tasksNr(), reader.fdCount(), reader.objrefCount() - tables, tables, true);
    }

    private static byte[] array(ByteBuffer b) {
        if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) return b.array();
        byte[] copy = new byte[b.remaining()];
        b.duplicate().get(copy);
        return copy;
    }

    /** The stream's payloads addressed by stream offset; records never straddle them, events may. */
    private record Source(byte[][] payloads, long[] starts) {
        int copy(long from, long to, byte[] out, int at) {
            while (from < to) {
                int i = indexOf(from);
                int off = (int) (from - starts[i]);
                int n = (int) Math.min(to - from, payloads[i].length - off);
                System.arraycopy(payloads[i], off, out, at, n);
                at += n;
                from += n;
            }
            return at;
        }

        boolean sameBytes(long a, int aLen, long b, int bLen) {
            if (aLen != bLen) return false;
            int ia = indexOf(a);
            int ib = indexOf(b);
            int oa = (int) (a - starts[ia]);
            int ob = (int) (b - starts[ib]);
            if (oa + aLen <= payloads[ia].length && ob + bLen <= payloads[ib].length) {
                return Arrays.equals(payloads[ia], oa, oa + aLen, payloads[ib], ob, ob + bLen);
            }
            // FD_DATA and FNAME are two records: a chunk boundary may fall between them
            byte[] x = new byte[aLen];
            byte[] y = new byte[bLen];
            copy(a, a + aLen, x, 0);
            copy(b, b + bLen, y, 0);
            return Arrays.equals(x, y);
        }

        private int indexOf(long offset) {
            int i = Arrays.binarySearch(starts, offset);
            if (i < 0) return -i - 2;
            // an offset equal to a start belongs to that payload (skip empty payloads)
            while (i < payloads.length - 1 && payloads[i].length == 0) i++;
            return Math.min(i, payloads.length - 1);
        }
    }
}
