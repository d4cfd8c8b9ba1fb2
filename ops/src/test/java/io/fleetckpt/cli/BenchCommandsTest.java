package io.fleetckpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench capture} and {@code bench pipeline} at tiny sizes: each runs end to end and its
 * last line is the JSON object the issues ask for, with the keys scripts read and values that
 * agree with the sizes asked for. Speed is not judged here (that is what the benchmarks print).
 */
class BenchCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode lastLine(CliRun r) throws Exception {
        List<String> lines = r.out().trim().lines().toList();
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    private static double positive(JsonNode n, String key) {
        assertTrue(n.hasNonNull(key), "key " + key + " in " + n);
        assertTrue(n.get(key).isNumber(), key + " is a number: " + n.get(key));
        double v = n.get(key).asDouble();
        assertTrue(v > 0, key + " > 0: " + v);
        return v;
    }

    @Test
    void benchCaptureEndsWithTheJsonOfItsLargestCase() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "bench capture freezes: needs root");
        CliRun r = CliRun.of("bench", "capture", "--sizes", "10,200", "--multi", "0", "--reps", "1", "--threads", "2");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode n = lastLine(r);
        assertEquals("capture", n.get("bench").asText());
        assertEquals(2, n.get("threads").asInt());
        // without a 10,000-fd case, the top-level keys describe the last (largest) one
        assertEquals("1 x 200", n.get("case").asText());
        assertEquals(200, n.get("fds").asInt(), "the holder's whole table");
        int ofds = n.get("open_files").asInt();
        assertTrue(ofds > 0 && ofds <= 200, "open files " + ofds);
        double frozen = positive(n, "frozen_ms");
        double total = positive(n, "total_ms");
        assertTrue(frozen <= total, "the frozen window is part of the capture: " + frozen + " > " + total);
        assertTrue(positive(n, "frozen_ms_1t") <= positive(n, "total_ms_1t"));
        positive(n, "floor_ms");
        positive(n, "lsof_ms");
        double ratio = n.get("frozen_ms").asDouble() / n.get("floor_ms").asDouble();
        assertEquals(ratio, positive(n, "ratio_frozen_floor"), ratio * 0.03, "the ratio of the two windows printed (within their rounding)");
        JsonNode cases = n.get("cases");
        assertEquals(2, cases.size(), cases.toString());
        assertEquals(10, cases.get(0).get("fds").asInt());
        assertEquals("1 x 10", cases.get(0).get("case").asText());
        assertEquals(n.get("frozen_ms").asDouble(), cases.get(1).get("frozen_ms").asDouble(), "the top level is the last case");
        for (JsonNode c : cases) {
            for (String k : new String[] {"frozen_ms", "total_ms", "floor_ms", "lsof_ms"}) positive(c, k);
        }
        assertTrue(r.err().contains("bench capture: 1 x 10 fds ...") && r.err().contains("bench capture: 1 x 200 fds ..."), r.err());
    }

    @Test
    void benchPipelineEndsWithJsonOfEveryImageStored() throws Exception {
        CliRun r = CliRun.of("bench", "pipeline", "--hosts", "2", "--tasks", "2", "--fds", "3", "--repeats", "1", "--warmup", "0");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode n = lastLine(r);
        assertEquals("pipeline", n.get("bench").asText());
        assertEquals(2, n.get("hosts").asInt());
        assertEquals(2, n.get("tasks_per_host").asInt());
        assertEquals(3, n.get("fds_per_task").asInt());
        assertEquals(2 * 2 * 3, n.get("fd_entries").asLong(), "hosts x tasks x fds");
        positive(n, "end_to_end_s");
        positive(n, "plain_consumer_mb_s");
        // a 2 KB backlog can round the aggregator's MB/s to 0.0x: a number, not negative
        assertTrue(n.get("aggregator_mb_s").isNumber() && n.get("aggregator_mb_s").asDouble() >= 0, n.toString());
        positive(n, "records_bytes");
        double peak = positive(n, "peak_heap_mb");
        assertTrue(peak <= n.get("max_heap_mb").asDouble(), "peak heap within the maximum: " + n);
        assertEquals(1, n.get("aggregator_mb_s_runs").size(), "--repeats 1");
        assertEquals(1, n.get("repeats").asInt());
        assertEquals(0, n.get("warmup").asInt());
        assertTrue(r.err().contains("end to end: 12 fd entries stored in "), r.err());
    }
}
