package io.fleetckpt.agent.daemon;

import io.fleetckpt.agent.publish.CapturedHost;
import io.fleetckpt.agent.publish.SyntheticImagesAccess;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.kafka.DeadLetters;
import io.fleetckpt.kafka.KafkaClientConfig;
import io.fleetckpt.kafka.TopicLayout;
import io.fleetckpt.kafka.TopicNames;
import io.fleetckpt.kafka.TopicSetup;
import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(EmbeddedKafkaExtension.class)
class AgentDaemonTest {
    private static final ChunkBudget BUDGET = new ChunkBudget(16 * 1024);
    private final MessageCodec codec = new MessageCodec();

    @Test
    void handlesItsRequestsAndDeadLettersBadControlMessages(@KafkaBootstrap String bootstrap) throws Exception {
        TopicNames topics = TopicNames.withPrefix("daemon.");
        KafkaClientConfig cfg = KafkaClientConfig.of(bootstrap);
        try (Admin admin = Admin.create(cfg.admin())) {
            new TopicSetup(admin).ensureTopics(topics, new TopicLayout(2, (short) 1, BUDGET), Duration.ofSeconds(30));
        }
        Map<String, HostSelection> captured = new ConcurrentHashMap<>();
        HostCapturer capturer = (ckpt, sel, opts) -> {
            if (sel.getPids().contains(666)) throw new CaptureException("pid 666: no such process");
            captured.put(ckpt, sel);
            return SyntheticImagesAccess.host(3, 10);
        };
        List<CheckpointRunner.Outcome> outcomes = new CopyOnWriteArrayList<>();
        try (AgentRuntime agent = new AgentRuntime(cfg, topics, BUDGET, "h1", capturer, FormatOptions.DEFAULT);
             KafkaProducer<String, byte[]> p = new KafkaProducer<>(cfg.producer("test", BUDGET))) {
            agent.daemon().onOutcome(outcomes::add);
            agent.startDaemon("agent-h1");
            long now = System.currentTimeMillis();
            p.send(new ProducerRecord<>(topics.control(), "junk", "not avro at all".getBytes())).get();
            p.send(new ProducerRecord<>(topics.control(), "bad", codec.encode(request("bad-regex", now, 60_000, host("h1", List.of(), "([unclosed"))))).get();
            p.send(new ProducerRecord<>(topics.control(), "other", codec.encode(request("ck-other", now, 60_000, host("h9", List.of(5), null))))).get();
            p.send(new ProducerRecord<>(topics.control(), "old", codec.encode(request("ck-expired", now - 120_000, 60_000, host("h1", List.of(5), null))))).get();
            p.send(new ProducerRecord<>(topics.control(), "ck-ok", codec.encode(request("ck-ok", now, 60_000, host("h1", List.of(5, 6), null), host("h2", List.of(7), null))))).get();
            p.send(new ProducerRecord<>(topics.control(), "ck-ok", codec.encode(request("ck-ok", now, 60_000, host("h1", List.of(5, 6), null))))).get();
            p.send(new ProducerRecord<>(topics.control(), "ck-dead", codec.encode(request("ck-dead", now, 60_000, host("h1", List.of(666), null))))).get();

            long end = System.currentTimeMillis() + 30_000;
            AgentDaemon.Stats s = agent.daemon().stats();
            while (s.handled.get() + s.failed.get() + s.skipped.get() + s.deadLettered.get() < 7 && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
            assertEquals(7, s.seen.get());
            assertEquals(2, s.deadLettered.get(), "junk and the bad regex");
            assertEquals(1, s.handled.get(), "ck-ok");
            assertEquals(1, s.failed.get(), "ck-dead");
            assertEquals(3, s.skipped.get(), "other host, expired, duplicate");
        }
        assertEquals(List.of(5, 6), captured.get("ck-ok").getPids());
        assertFalse(captured.containsKey("ck-expired"));
        assertEquals(2, outcomes.size());

        List<ConsumerRecord<String, byte[]>> dlq = readAll(bootstrap, topics.dlq(), 2);
        assertEquals("not avro at all", new String(dlq.get(0).value()));
        assertEquals("NOT_SINGLE_OBJECT", DeadLetters.header(dlq.get(0).headers(), DeadLetters.H_KIND));
        assertEquals(topics.control(), DeadLetters.header(dlq.get(0).headers(), DeadLetters.H_SOURCE_TOPIC));
        assertEquals("INVALID_REQUEST", DeadLetters.header(dlq.get(1).headers(), DeadLetters.H_KIND));
        assertTrue(DeadLetters.header(dlq.get(1).headers(), DeadLetters.H_REASON).contains("hosts[0].commPatterns"),
                DeadLetters.header(dlq.get(1).headers(), DeadLetters.H_REASON));
        assertEquals("agent:h1", DeadLetters.header(dlq.get(1).headers(), DeadLetters.H_REPORTER));

        List<RecordChunk> chunks = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : readAll(bootstrap, topics.records(), 4)) chunks.add(codec.decode(r.value(), RecordChunk.class));
        List<RecordChunk> ok = chunks.stream().filter(c -> c.getCheckpointId().equals("ck-ok")).toList();
        assertEquals(ChunkKind.END, ok.get(ok.size() - 1).getKind());
        assertTrue(ok.stream().allMatch(c -> c.getHostId().equals("h1")));
        RecordChunk dead = chunks.stream().filter(c -> c.getCheckpointId().equals("ck-dead")).findFirst().orElseThrow();
        assertEquals(ChunkKind.ABORT, dead.getKind());
        assertTrue(dead.getAbortReason().contains("pid 666: no such process"), dead.getAbortReason());
    }

    private static CheckpointRequest request(String id, long at, long deadlineIn, HostSelection... hosts) {
        return CheckpointRequest.newBuilder().setCheckpointId(id).setRequestedAtMs(at).setDeadlineMs(at + deadlineIn)
                .setRequestedBy("test").setHosts(List.of(hosts))
                .setOptions(CheckpointOptions.newBuilder().build()).build();
    }

    private static HostSelection host(String id, List<Integer> pids, String comm) {
        return HostSelection.newBuilder().setHostId(id).setPids(pids).setTrees(List.of()).setCgroups(List.of())
                .setCommPatterns(comm == null ? List.of() : List.of(comm)).build();
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic, int atLeast) throws Exception {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClientConfig.of(bootstrap).consumer(null, BUDGET))) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream().map(pi -> new TopicPartition(topic, pi.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                boolean atEnd = tps.stream().allMatch(tp -> c.position(tp) >= ends.get(tp));
                if (atEnd && out.size() >= atLeast) break;
            }
        }
        return out;
    }
}
