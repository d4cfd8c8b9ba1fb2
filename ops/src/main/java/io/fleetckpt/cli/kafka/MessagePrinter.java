package io.fleetckpt.cli.kafka;

import io.fleetckpt.format.record.CrHdr;
import io.fleetckpt.format.record.PidsEntry;
import io.fleetckpt.format.record.RecordType;
import io.fleetckpt.format.record.TreeRecord;
import io.fleetckpt.kafka.DeadLetters;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.codec.DecodedMessage;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.messages.codec.MessageDecodeException;
import io.fleetckpt.messages.codec.MessageIds;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Renders one message of our topics: decoded as text (Avro's JSON rendering of the record, with
 * payload bytes summarised), or as one JSON object per line. Record chunks also get the
 * kernel-format records their payload holds (counts per record type) and a CRC check. A message
 * that does not decode is shown with the typed decode error, never skipped silently.
 */
public final class MessagePrinter {
    private final MessageCodec codec = new MessageCodec();
    private final PrintWriter out;
    private final boolean json;

    public MessagePrinter(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    public void print(ConsumerRecord<String, byte[]> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", r.topic());
        m.put("partition", r.partition());
        m.put("offset", r.offset());
        m.put("timestamp", r.timestamp());
        m.put("key", r.key());
        String problem = DeadLetters.header(r.headers(), DeadLetters.H_KIND);
        if (problem != null) {
            m.put("dlq_problem", problem);
            m.put("dlq_reason", DeadLetters.header(r.headers(), DeadLetters.H_REASON));
            m.put("dlq_source", DeadLetters.header(r.headers(), DeadLetters.H_SOURCE_TOPIC) + "-"
                    + DeadLetters.header(r.headers(), DeadLetters.H_SOURCE_PARTITION) + "@"
                    + DeadLetters.header(r.headers(), DeadLetters.H_SOURCE_OFFSET));
            putIfPresent(m, "dlq_reporter", DeadLetters.header(r.headers(), DeadLetters.H_REPORTER));
            putIfPresent(m, "dlq_checkpoint", DeadLetters.header(r.headers(), DeadLetters.H_CHECKPOINT));
            putIfPresent(m, "dlq_host", DeadLetters.header(r.headers(), DeadLetters.H_HOST));
            putIfPresent(m, "dlq_sequence", DeadLetters.header(r.headers(), DeadLetters.H_SEQUENCE));
            putIfPresent(m, "dlq_truncated_from", DeadLetters.header(r.headers(), DeadLetters.H_TRUNCATED));
        }
        m.put("bytes", r.value() == null ? 0 : r.value().length);
        try {
            DecodedMessage d = codec.decode(r.value());
            m.put("type", d.type().schemaName());
            m.put("schema", d.schemaVersion());
            m.put("message", fields(d.message()));
            if (d.message() instanceof RecordChunk c) m.put("payload_records", payloadSummary(c));
        } catch (MessageDecodeException e) {
            m.put("decode_error", e.problem().name());
            m.put("decode_detail", e.getMessage());
        }
        if (json) {
            out.println(CliJson.write(m));
        } else {
            out.println(text(m));
        }
        out.flush();
    }

    private static String text(Map<String, Object> m) {
        StringBuilder b = new StringBuilder();
        // keys and headers are anybody's bytes: escaped, so they cannot drive the terminal
        b.append(m.get("topic")).append('-').append(m.get("partition")).append('@').append(m.get("offset"))
                .append(" key=").append(printable(m.get("key"))).append(' ');
        if (m.containsKey("dlq_problem")) {
            String source = String.valueOf(m.get("dlq_source"));
            // the aggregator re-encodes a culprit found only once its stream was complete: no source offset
            if (source.endsWith("--1@-1")) source = source.substring(0, source.length() - 6) + " (culprit chunk, re-encoded)";
            b.append("DLQ[").append(printable(m.get("dlq_problem"))).append(" from ").append(printable(source));
            if (m.containsKey("dlq_reporter")) b.append(" by ").append(printable(m.get("dlq_reporter")));
            if (m.containsKey("dlq_checkpoint")) b.append(" checkpoint ").append(printable(m.get("dlq_checkpoint")));
            if (m.containsKey("dlq_host")) b.append(" host ").append(printable(m.get("dlq_host")));
            if (m.containsKey("dlq_sequence")) b.append(" seq ").append(printable(m.get("dlq_sequence")));
            if (m.containsKey("dlq_truncated_from")) b.append(" (value cut from ").append(printable(m.get("dlq_truncated_from"))).append(" bytes)");
            b.append(": ").append(printable(m.get("dlq_reason"))).append("] ");
        }
        if (m.containsKey("decode_error")) {
            b.append("UNDECODABLE ").append(m.get("bytes")).append(" bytes");
            // dead-lettered for not decoding: the reason already holds the decode error
            String detail = String.valueOf(m.get("decode_detail"));
            if (String.valueOf(m.get("dlq_reason")).contains(detail)) return b.toString();
            return b.append(": ").append(detail).toString();
        }
        b.append(shortType(String.valueOf(m.get("type")))).append(' ').append(CliJson.write(m.get("message")));
        if (m.containsKey("payload_records")) b.append(" records=").append(CliJson.write(m.get("payload_records")));
        return b.toString();
    }

    private static String printable(Object o) {
        return MessageIds.escape(String.valueOf(o));
    }

    private static void putIfPresent(Map<String, Object> m, String k, String v) {
        if (v != null) m.put(k, v);
    }

    private static String shortType(String full) {
        return full.substring(full.lastIndexOf('.') + 1);
    }

    /** The record's fields as plain values; bytes become a length (payloads are binary). */
    static Map<String, Object> fields(SpecificRecord rec) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var f : rec.getSchema().getFields()) m.put(f.name(), plain(rec.get(f.pos())));
        return m;
    }

    private static Object plain(Object v) {
        if (v instanceof ByteBuffer bb) return Map.of("bytes", bb.remaining());
        if (v instanceof SpecificRecord sr) return fields(sr);
        if (v instanceof java.util.List<?> l) return l.stream().map(MessagePrinter::plain).toList();
        if (v instanceof Enum<?> e) return e.name();
        return v;
    }

    /**
     * Walks the payload's cr_hdr headers: record counts by type, whether the records end exactly
     * at the payload's end, and whether the CRC matches. Bounded by the payload itself.
     */
    static Map<String, Object> payloadSummary(RecordChunk c) {
        ByteBuffer p = c.getPayload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] bytes = new byte[p.remaining()];
        p.duplicate().get(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        Map<String, Integer> counts = new TreeMap<>();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        String framing = "ok";
        int pos = 0;
        while (pos < bytes.length) {
            if (bytes.length - pos < CrHdr.SIZE) {
                framing = "truncated header at offset " + pos;
                break;
            }
            int type = b.getShort(pos + CrHdr.OFF_TYPE);
            int len = b.getShort(pos + CrHdr.OFF_LEN);
            if (len < 0 || pos + CrHdr.SIZE + len > bytes.length) {
                framing = "record at offset " + pos + " (type " + type + ") claims " + len + " bytes past the payload's end";
                break;
            }
            counts.merge(RecordType.name(type), 1, Integer::sum);
            pos += CrHdr.SIZE + len;
            if (type == RecordType.TREE && len >= TreeRecord.SIZE) {
                // the pids array follows TREE without headers of its own
                long n = Integer.toUnsignedLong(b.getInt(pos - len + TreeRecord.OFF_TASKS_NR));
                long end = pos + n * PidsEntry.SIZE;
                if (end > bytes.length) {
                    framing = "TREE announces " + n + " pids entries, more than the payload holds";
                    break;
                }
                counts.merge("PIDS", (int) n, Integer::sum);
                pos = (int) end;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("crc", crc.getValue() == c.getCrc32c() ? "ok" : String.format("MISMATCH (payload %08x)", crc.getValue()));
        m.put("framing", framing);
        m.put("counts", counts);
        return m;
    }
}
