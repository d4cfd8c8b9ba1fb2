package io.fleetckpt.aggregator.reassemble;

import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.StreamTotals;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Checks of chunk content: CRC32C of one payload, and END's totals and SHA-256 against the
 * chunks before END. Totals count the chunks before END (END itself carries only TAIL).
 */
final class StreamVerifier {
    private StreamVerifier() {
    }

    static long crc32c(ByteBuffer payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload.duplicate());
        return crc.getValue();
    }

    /** @return null if the chunk's CRC matches, else the reason */
    static String checkCrc(RecordChunk c) {
        long actual = crc32c(c.getPayload());
        long expected = c.getCrc32c();
        return actual == expected ? null
                : String.format("payload CRC32C mismatch: chunk says %08x, %d payload bytes give %08x",
                expected, c.getPayload().remaining(), actual);
    }

    /** @return null if END's totals describe exactly these chunks, else the first disagreement */
    static String checkTotals(List<RecordChunk> chunks, RecordChunk end) {
        StreamTotals t = end.getTotals();
        if (t == null) return "END chunk without totals";
        long records = 0, fds = 0, bytes = 0;
        long tasks = 0;
        MessageDigest sha = sha256();
        for (RecordChunk c : chunks) {
            records += c.getRecordCount();
            tasks += c.getTaskCount();
            fds += c.getFdCount();
            bytes += c.getPayload().remaining();
            sha.update(c.getPayload().duplicate());
        }
        if (t.getChunks() != chunks.size()) return mismatch("chunks", t.getChunks(), chunks.size());
        if (t.getPayloadBytes() != bytes) return mismatch("payloadBytes", t.getPayloadBytes(), bytes);
        // an agent may or may not count END's TAIL record: both readings are accepted
        if (t.getRecords() != records && t.getRecords() != records + end.getRecordCount()) {
            return mismatch("records", t.getRecords(), records);
        }
        if (t.getTasks() != tasks) return mismatch("tasks", t.getTasks(), tasks);
        if (t.getFds() != fds) return mismatch("fds", t.getFds(), fds);
        String digest = HexFormat.of().formatHex(sha.digest());
        if (!digest.equalsIgnoreCase(t.getSha256())) {
            return "digest mismatch: END says sha256 " + t.getSha256() + ", the " + chunks.size()
                    + " chunks before END hash to " + digest;
        }
        return null;
    }

    private static String mismatch(String field, long said, long got) {
        return "END totals." + field + " = " + said + " but the chunks before END hold " + got;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
