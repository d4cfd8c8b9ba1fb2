package io.fleetckpt.agent.daemon;

import io.fleetckpt.kafka.DeadLetters;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.messages.codec.MessageDecodeException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The agent's loop: reads checkpoint requests from the control topic (in its own consumer group,
 * so every agent sees every request), acts on those that select its host, and commits each
 * request's offset once its host stream is published (or aborted). A crash in between means the
 * request is handled again after restart, under a new agent run id, which the aggregator
 * deduplicates.
 *
 * <p>Bad control messages (not our Avro, an invalid request) are logged, sent to the DLQ with
 * the reason in headers, and skipped: they never stop the agent. Requests whose deadline has
 * passed (an agent catching up after downtime) are skipped without capturing.
 */
public final class AgentDaemon implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);
    private static final int REMEMBERED_CHECKPOINTS = 4096;

    /** Counters for progress output and tests. */
    public static final class Stats {
        public final AtomicLong seen = new AtomicLong();
        public final AtomicLong handled = new AtomicLong();
        public final AtomicLong failed = new AtomicLong();
        public final AtomicLong deadLettered = new AtomicLong();
        public final AtomicLong skipped = new AtomicLong();
    }

    private final Consumer<String, byte[]> consumer;
    private final String controlTopic;
    private final String hostId;
    private final MessageCodec codec;
    private final CheckpointRunner runner;
    private final DeadLetters dlq;
    private final LongSupplier clockMs;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Stats stats = new Stats();
    private volatile long lastPollMs;
    private final Map<String, Boolean> done = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > REMEMBERED_CHECKPOINTS;
        }
    };
    private volatile java.util.function.Consumer<CheckpointRunner.Outcome> listener = o -> { };

    public AgentDaemon(Consumer<String, byte[]> consumer, String controlTopic, String hostId, MessageCodec codec,
                       CheckpointRunner runner, DeadLetters dlq, LongSupplier clockMs) {
        this.consumer = consumer;
        this.controlTopic = controlTopic;
        this.hostId = hostId;
        this.codec = codec;
        this.runner = runner;
        this.dlq = dlq;
        this.clockMs = clockMs;
    }

    /** The consumer group of a host's agent: one per host, so each agent reads every request. */
    public static String groupId(String hostId) {
        return "fleetckpt-agent-" + hostId;
    }

    public Stats stats() {
        return stats;
    }

    /** When the loop last returned from a poll (epoch ms), 0 before the first: for health checks. */
    public long lastPollMs() {
        return lastPollMs;
    }

    /** Told after each handled request (progress lines in the CLI, tests). */
    public void onOutcome(java.util.function.Consumer<CheckpointRunner.Outcome> l) {
        this.listener = l;
    }

    /** Polls until {@link #stop()}; the consumer belongs to the caller, who closes it. */
    @Override
    public void run() {
        consumer.subscribe(List.of(controlTopic));
        try {
            while (!stopping.get()) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(500));
                lastPollMs = clockMs.getAsLong();
                for (ConsumerRecord<String, byte[]> r : batch) {
                    handle(r);
                    consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
                    if (stopping.get()) break;
                }
            }
        } catch (WakeupException e) {
            if (!stopping.get()) throw e;
        } catch (org.apache.kafka.common.errors.FencedInstanceIdException e) {
            // agents are static members of their host's group (a restart after kill -9 takes the
            // control partition back at once); a second live agent with this host id fences this one
            throw new IllegalStateException("another agent with host id " + hostId + " joined group " + groupId(hostId)
                    + ": this one stops (each host needs its own --host-id, and one agent)", e);
        }
    }

    /** Makes {@link #run()} return soon; safe from any thread. */
    public void stop() {
        stopping.set(true);
        consumer.wakeup();
    }

    void handle(ConsumerRecord<String, byte[]> r) {
        stats.seen.incrementAndGet();
        String where = r.topic() + "-" + r.partition() + "@" + r.offset();
        CheckpointRequest req;
        try {
            req = codec.decode(r.value(), CheckpointRequest.class);
        } catch (MessageDecodeException e) {
            deadLetter(r, e.problem().name(), "control message " + where + " is not a checkpoint request: " + e.getMessage());
            return;
        }
        String problem = RequestValidator.problem(req);
        if (problem != null) {
            deadLetter(r, "INVALID_REQUEST", "checkpoint request " + where + " is invalid: " + problem);
            return;
        }
        HostSelection mine = req.getHosts().stream().filter(h -> h.getHostId().equals(hostId)).findFirst().orElse(null);
        if (mine == null) {
            stats.skipped.incrementAndGet();
            return;
        }
        if (done.containsKey(req.getCheckpointId())) {
            LOG.info("checkpoint {}: already handled by this agent, skipping the redelivered request", req.getCheckpointId());
            stats.skipped.incrementAndGet();
            return;
        }
        done.put(req.getCheckpointId(), Boolean.TRUE);
        if (clockMs.getAsLong() > req.getDeadlineMs()) {
            LOG.warn("checkpoint {}: deadline passed {} ms ago before this agent saw the request; skipped",
                    req.getCheckpointId(), clockMs.getAsLong() - req.getDeadlineMs());
            stats.skipped.incrementAndGet();
            return;
        }
        LOG.info("checkpoint {}: capturing for host {}", req.getCheckpointId(), hostId);
        CheckpointRunner.Outcome o = runner.run(req.getCheckpointId(), mine, req.getOptions());
        (o.ok() ? stats.handled : stats.failed).incrementAndGet();
        listener.accept(o);
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, String problem, String reason) {
        LOG.warn("{} (sent to the DLQ)", reason);
        stats.deadLettered.incrementAndGet();
        dlq.send(r, problem, reason);
    }
}
