package io.fleetckpt.agent.daemon;

import io.fleetckpt.agent.publish.CapturedHost;
import io.fleetckpt.agent.publish.HostStreamException;
import io.fleetckpt.agent.publish.HostStreamPublisher;
import io.fleetckpt.agent.publish.PublishResult;
import io.fleetckpt.agent.publish.StreamId;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.HostSelection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's part of one checkpoint: capture (inside the frozen window, done by the capturer),
 * then, after thaw, encode and publish. Any failure ends the host stream with ABORT.
 */
public final class CheckpointRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointRunner.class);

    /** How one host's part ended. */
    public record Outcome(StreamId stream, PublishResult published, String failure, long captureNanos) {
        public boolean ok() {
            return failure == null;
        }
    }

    private final HostCapturer capturer;
    private final HostStreamPublisher publisher;
    private final String agentRunId;

    public CheckpointRunner(HostCapturer capturer, HostStreamPublisher publisher, String agentRunId) {
        this.capturer = capturer;
        this.publisher = publisher;
        this.agentRunId = agentRunId;
    }

    public Outcome run(String checkpointId, HostSelection selection, CheckpointOptions options) {
        StreamId id = new StreamId(checkpointId, selection.getHostId(), agentRunId);
        long t0 = System.nanoTime();
        CapturedHost captured;
        try {
            captured = capturer.capture(checkpointId, selection, options);
        } catch (CaptureException | RuntimeException e) {
            String reason = "capture failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            LOG.warn("{}: {}", id, reason);
            boolean sent = publisher.publishAbortOnly(id, reason);
            return new Outcome(id, null, sent ? reason : reason + "; the ABORT could not be published either", System.nanoTime() - t0);
        }
        long captureNanos = System.nanoTime() - t0;
        try {
            FormatOptions format = options != null && options.getStrictV13() ? FormatOptions.STRICT_V13 : FormatOptions.DEFAULT;
            PublishResult r = publisher.publish(id, captured, format);
            LOG.info("{}: published {} chunks, {} tasks, {} fds, {} payload bytes", id, r.chunks() + 1, r.tasks(), r.fds(), r.payloadBytes());
            return new Outcome(id, r, null, captureNanos);
        } catch (HostStreamException e) {
            return new Outcome(id, null, e.getMessage(), captureNanos);
        }
    }

    /** Ends a host stream without capturing (e.g. the request's deadline passed before we saw it). */
    public Outcome abort(String checkpointId, String hostId, String reason) {
        StreamId id = new StreamId(checkpointId, hostId, agentRunId);
        boolean sent = publisher.publishAbortOnly(id, reason);
        return new Outcome(id, null, sent ? reason : reason + "; the ABORT could not be published either", 0);
    }
}
