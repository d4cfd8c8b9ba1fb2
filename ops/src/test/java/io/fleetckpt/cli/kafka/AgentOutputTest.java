package io.fleetckpt.cli.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetckpt.agent.daemon.CheckpointRunner;
import io.fleetckpt.agent.publish.PublishResult;
import io.fleetckpt.agent.publish.StreamId;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent publishes a host stream; the image `images` lists is what the aggregator made of it,
 * with a digest of its own. The agent's digest must not pass for the image's.
 */
class AgentOutputTest {
    private static final String DIGEST = "ea914fc6" + "0".repeat(56);

    private static String print(boolean json) {
        StreamId id = new StreamId("ck-1", "web-1", "run-1");
        PublishResult r = new PublishResult(id, 2, 9, 1, 4, 1234, DIGEST, 900, 2_000_000);
        StringWriter s = new StringWriter();
        new AgentOutput(new PrintWriter(s), json).outcome(new CheckpointRunner.Outcome(id, r, null, 3_000_000));
        return s.toString();
    }

    @Test
    void theTextSaysTheDigestIsTheStreams() {
        String line = print(false);
        assertTrue(line.strip().endsWith(" stream sha256 " + DIGEST), line);
    }

    @Test
    void theJsonNamesItStreamSha256() throws Exception {
        JsonNode n = new ObjectMapper().readTree(print(true));
        assertEquals(DIGEST, n.get("stream_sha256").asText());
        assertNull(n.get("sha256"), "no field that reads as the image's digest");
    }
}
