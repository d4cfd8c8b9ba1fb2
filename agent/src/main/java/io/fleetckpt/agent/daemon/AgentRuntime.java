package io.fleetckpt.agent.daemon;

import io.fleetckpt.agent.publish.HostStreamPublisher;
import io.fleetckpt.agent.publish.SendListener;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.DeadLetters;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.metrics.FleetMetrics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An agent's Kafka clients and stages wired together: one idempotent producer (records and DLQ),
 * one consumer of the control topic, the publisher and the runner. Closing it closes the clients.
 */
public final class AgentRuntime implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final CheckpointRunner runner;
    private final AgentDaemon daemon;
    private final String agentRunId;
    private final CountDownLatch loopExited = new CountDownLatch(1);
    private volatile boolean loopStarted;
    private boolean closed;

    public AgentRuntime(KafkaClientConfig config, TopicNames topics, ChunkBudget budget, String hostId,
                        HostCapturer capturer, FormatOptions options) {
        this(config, topics, budget, hostId, capturer, options, null);
    }

    /** As above, with every capture and chunk send counted in {@code metrics} (null: not counted). */
    public AgentRuntime(KafkaClientConfig config, TopicNames topics, ChunkBudget budget, String hostId,
                        HostCapturer capturer, FormatOptions options, FleetMetrics metrics) {
        if (metrics != null) capturer = new MeteredCapturer(capturer, metrics);
        SendListener sends = metrics == null ? SendListener.NONE : SendListener.of(metrics::chunkSent, metrics::chunkFailed);
        this.agentRunId = hostId + "-" + UUID.randomUUID().toString().substring(0, 8);
        MessageCodec codec = new MessageCodec();
        this.producer = new KafkaProducer<>(config.producer("fleetckpt-agent-" + agentRunId, budget));
        this.consumer = new KafkaConsumer<>(config.consumer(AgentDaemon.groupId(hostId), budget));
        HostStreamPublisher publisher = new HostStreamPublisher(producer, topics.records(), budget, codec, options, sends);
        this.runner = new CheckpointRunner(capturer, publisher, agentRunId);
        this.daemon = new AgentDaemon(consumer, topics.control(), hostId, codec, runner,
                new DeadLetters(producer, topics.dlq(), "agent:" + hostId), System::currentTimeMillis);
    }

    /**
     * Runs the daemon loop in the calling thread until {@link #close()} (from another thread,
     * e.g. a shutdown hook) stops it.
     */
    public void runDaemon() {
        loopStarted = true;
        try {
            daemon.run();
        } finally {
            loopExited.countDown();
        }
    }

    /** Runs the daemon loop in a new thread (tests, the all-in-one local mode). */
    public Thread startDaemon(String threadName) {
        loopStarted = true;
        Thread t = new Thread(this::runDaemon, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }

    public AgentDaemon daemon() {
        return daemon;
    }

    /** For one-shot captures without a request. */
    public CheckpointRunner runner() {
        return runner;
    }

    public String agentRunId() {
        return agentRunId;
    }

    /**
     * Idempotent and serialized: the `agent` command closes this both from its shutdown hook and
     * when its try-with-resources unwinds after the loop returns, so two threads call it at once
     * on SIGTERM; closing the consumer from both threw ConcurrentModificationException.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        daemon.stop();
        if (loopStarted) {
            // the consumer is single-threaded: close it only after the loop has let go of it
            try {
                loopExited.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            producer.close();
        } finally {
            consumer.close();
        }
    }
}
