package io.fleetckpt.cli.kafka;

import io.fleetckpt.agent.daemon.CheckpointRunner;
import io.fleetckpt.agent.publish.PublishResult;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prints what the agent did for each request: a line of text, or a JSON object per line. */
public final class AgentOutput {
    private final PrintWriter out;
    private final boolean json;

    public AgentOutput(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    public synchronized void outcome(CheckpointRunner.Outcome o) {
        PublishResult r = o.published();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checkpoint", o.stream().checkpointId());
            m.put("host", o.stream().hostId());
            m.put("agent_run", o.stream().agentRunId());
            m.put("ok", o.ok());
            if (r != null) {
                m.put("chunks", r.chunks() + 1);
                m.put("tasks", r.tasks());
                m.put("fds", r.fds());
                m.put("payload_bytes", r.payloadBytes());
                // over the stream's chunk payloads: the stored image (images, pull) has a digest of its own
                m.put("stream_sha256", r.sha256());
                m.put("capture_ms", o.captureNanos() / 1e6);
                m.put("publish_ms", r.publishNanos() / 1e6);
            }
            if (o.failure() != null) m.put("error", o.failure());
            out.println(CliJson.write(m));
        } else if (o.ok()) {
            out.printf("%s: published %d chunks, %d tasks, %d fds, %d bytes (capture %.1f ms, publish %.1f ms) stream sha256 %s%n",
                    o.stream(), r.chunks() + 1, r.tasks(), r.fds(), r.payloadBytes(), o.captureNanos() / 1e6, r.publishNanos() / 1e6, r.sha256());
        } else {
            out.printf("%s: FAILED: %s%n", o.stream(), o.failure());
        }
        out.flush();
    }
}
