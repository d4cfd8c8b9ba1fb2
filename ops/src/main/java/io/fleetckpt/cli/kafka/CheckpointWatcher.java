package io.fleetckpt.cli.kafka;

import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.HostOutcome;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.ImageStatus;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.codec.DecodedMessage;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.messages.codec.MessageDecodeException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows one checkpoint on the records and images topics: per host, the chunks its agent
 * publishes, then the aggregator's image event. Positioned at the topics' ends before the request
 * is sent, so it sees exactly what the request caused, without a consumer group.
 */
public final class CheckpointWatcher implements AutoCloseable {
    /** What is known about one host. */
    public static final class HostState {
        public final String hostId;
        public long chunks;
        public long fds;
        public String stream = "waiting";
        public ImageEvent image;

        HostState(String hostId) {
            this.hostId = hostId;
        }

        boolean finished() {
            return image != null;
        }
    }

    private static final long FINAL_EVENT_GRACE_MS = 2_000;

    private final KafkaConsumer<String, byte[]> consumer;
    private final String recordsTopic;
    private final String imagesTopic;
    private final MessageCodec codec = new MessageCodec();
    private final Map<String, HostState> hosts = new LinkedHashMap<>();
    private String checkpointId;
    private CheckpointEvent finalEvent;

    public CheckpointWatcher(KafkaClientConfig config, TopicNames topics, ChunkBudget budget, Collection<String> hostIds) {
        this.consumer = new KafkaConsumer<>(config.consumer(null, budget));
        this.recordsTopic = topics.records();
        this.imagesTopic = topics.images();
        hostIds.forEach(h -> hosts.put(h, new HostState(h)));
        List<TopicPartition> tps = new ArrayList<>();
        for (String t : List.of(topics.records(), topics.images())) {
            for (PartitionInfo p : consumer.partitionsFor(t, Duration.ofSeconds(30))) tps.add(new TopicPartition(t, p.partition()));
        }
        consumer.assign(tps);
        consumer.seekToEnd(tps);
        tps.forEach(consumer::position); // resolve the end offsets now, before the request goes out
    }

    /**
     * Polls until the checkpoint event arrives or {@code until} (epoch ms). Once every host has an
     * image event it waits at most {@value #FINAL_EVENT_GRACE_MS} ms more for the checkpoint event
     * (it follows the last image event at once, and names the manifest).
     *
     * @return whether every host has an outcome
     */
    public boolean await(String checkpointId, long untilMs, PrintWriter progress) {
        this.checkpointId = checkpointId;
        long graceEnd = Long.MAX_VALUE;
        while (System.currentTimeMillis() < Math.min(untilMs, graceEnd)) {
            ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(250));
            // one poll mixes both topics: a host's chunks are told before its image event
            for (String topic : List.of(recordsTopic, imagesTopic)) {
                for (TopicPartition tp : batch.partitions()) {
                    if (tp.topic().equals(topic)) for (ConsumerRecord<String, byte[]> r : batch.records(tp)) handle(r, progress);
                }
            }
            if (finalEvent != null) return true;
            if (graceEnd == Long.MAX_VALUE && hosts.values().stream().allMatch(HostState::finished)) {
                graceEnd = System.currentTimeMillis() + FINAL_EVENT_GRACE_MS;
            }
        }
        return finalEvent != null || hosts.values().stream().allMatch(HostState::finished);
    }

    private void handle(ConsumerRecord<String, byte[]> r, PrintWriter progress) {
        if (r.key() == null || !r.key().startsWith(checkpointId)) return;
        DecodedMessage d;
        try {
            d = codec.decode(r.value());
        } catch (MessageDecodeException e) {
            progress.println("  (undecodable message on " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage() + ")");
            return;
        }
        if (d.message() instanceof RecordChunk c && checkpointId.equals(c.getCheckpointId())) {
            HostState h = hosts.get(c.getHostId());
            if (h == null) return;
            h.chunks++;
            h.fds += c.getFdCount();
            if (c.getKind() == ChunkKind.BEGIN) {
                h.stream = "publishing";
                progress.printf("  %s: BEGIN (agent run %s)%n", h.hostId, c.getAgentRunId());
            } else if (c.getKind() == ChunkKind.END) {
                h.stream = "published";
                progress.printf("  %s: END after %d chunks, %d fds%n", h.hostId, h.chunks, h.fds);
            } else if (c.getKind() == ChunkKind.ABORT) {
                h.stream = "aborted: " + c.getAbortReason();
                progress.printf("  %s: ABORT: %s%n", h.hostId, c.getAbortReason());
            }
        } else if (d.message() instanceof ImageEvent e && checkpointId.equals(e.getCheckpointId())) {
            HostState h = hosts.get(e.getHostId());
            if (h == null) return;
            h.image = e;
            progress.printf("  %s: %s%s%n", h.hostId, e.getStatus(),
                    e.getStatus() == ImageStatus.STORED ? " " + e.getLocation() : " (" + e.getReason() + ")");
        } else if (d.message() instanceof CheckpointEvent ce && checkpointId.equals(ce.getCheckpointId())) {
            finalEvent = ce;
            for (HostOutcome o : ce.getHosts()) {
                HostState h = hosts.get(o.getHostId());
                if (h != null && h.image == null && o.getStatus() != ImageStatus.STORED) h.stream = o.getStatus() + ": " + o.getReason();
            }
        }
        progress.flush();
    }

    public Collection<HostState> hosts() {
        return hosts.values();
    }

    public CheckpointEvent finalEvent() {
        return finalEvent;
    }

    public boolean allStored() {
        return hosts.values().stream().allMatch(h -> h.image != null && h.image.getStatus() == ImageStatus.STORED);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
