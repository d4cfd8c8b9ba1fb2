package io.fleetckpt.aggregator.reassemble;

import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.StreamTotals;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/** Builds well-formed chunk sequences with opaque payloads (reassembly does not parse them). */
final class Chunks {
    private Chunks() {
    }

    /** BEGIN, {@code tasks} TASKS chunks, END; payload i is distinct bytes derived from the host. */
    static List<RecordChunk> stream(String ckpt, String host, String run, int tasks) {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i <= tasks; i++) payloads.add((host + "/payload-" + i + "-" + "x".repeat(i * 7)).getBytes());
        return stream(ckpt, host, run, payloads);
    }

    static List<RecordChunk> stream(String ckpt, String host, String run, List<byte[]> payloads) {
        List<RecordChunk> out = new ArrayList<>();
        MessageDigest sha = sha();
        long bytes = 0;
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            out.add(chunk(ckpt, host, run, i, i == 0 ? ChunkKind.BEGIN : ChunkKind.TASKS, p, null));
            sha.update(p);
            bytes += p.length;
        }
        int n = payloads.size();
        StreamTotals totals = StreamTotals.newBuilder().setChunks(n).setRecords(3L * n).setTasks(n - 1)
                .setFds(2L * (n - 1)).setOpenFiles(n).setPayloadBytes(bytes)
                .setSha256(HexFormat.of().formatHex(sha.digest())).setCapturedAtMs(1000).setFrozen(true)
                .setFrozenWindowUs(5).build();
        out.add(chunk(ckpt, host, run, n, ChunkKind.END, "TAIL".getBytes(), totals));
        return out;
    }

    static RecordChunk chunk(String ckpt, String host, String run, long seq, ChunkKind kind, byte[] payload,
                             StreamTotals totals) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        boolean tasks = kind == ChunkKind.TASKS;
        return RecordChunk.newBuilder().setCheckpointId(ckpt).setHostId(host).setAgentRunId(run).setSequence(seq)
                .setKind(kind).setPayload(ByteBuffer.wrap(payload)).setCrc32c(crc.getValue())
                .setRecordCount(kind == ChunkKind.END ? 1 : 3).setTaskCount(tasks ? 1 : 0).setFdCount(tasks ? 2 : 0)
                .setTotals(totals).build();
    }

    static RecordChunk copy(RecordChunk c) {
        // field by field: Avro's copying builder deep-copies through reflection its class filter forbids
        return new RecordChunk(c.getCheckpointId(), c.getHostId(), c.getAgentRunId(), c.getSequence(), c.getKind(),
                ByteBuffer.wrap(bytes(c.getPayload())), c.getCrc32c(), c.getRecordCount(), c.getTaskCount(),
                c.getFdCount(), c.getTotals(), c.getAbortReason());
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
