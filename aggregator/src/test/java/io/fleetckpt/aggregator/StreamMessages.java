package io.fleetckpt.aggregator;

import io.fleetckpt.agent.publish.CapturedHost;
import io.fleetckpt.agent.publish.HostStreamPublisher;
import io.fleetckpt.agent.publish.StreamId;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Real host-stream messages (the agent's publisher, captured by a MockProducer) for core tests. */
final class StreamMessages {
    static final MessageCodec CODEC = new MessageCodec();
    /** Small chunks so that even small images span several TASKS chunks. */
    static final ChunkBudget SMALL = new ChunkBudget(ChunkBudget.MIN_PAYLOAD);

    record Msg(byte[] key, byte[] value) {
        RecordChunk chunk() {
            try {
                return CODEC.decode(value, RecordChunk.class);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private StreamMessages() {
    }

    static List<Msg> publish(String ckpt, String host, String run, Image image) {
        MockProducer<String, byte[]> mock = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        HostStreamPublisher p = new HostStreamPublisher(mock, "records", SMALL, CODEC, FormatOptions.DEFAULT);
        try {
            p.publish(new StreamId(ckpt, host, run), new CapturedHost(image, 1_796_000_000_000L, true, 420, null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<Msg> out = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : mock.history()) out.add(new Msg(r.key().getBytes(StandardCharsets.UTF_8), r.value()));
        return out;
    }

    /** The message with its chunk's payload changed by {@code edit} (CRC left as it was). */
    static Msg corrupt(Msg m, int payloadIndex) {
        RecordChunk c = m.chunk();
        ByteBuffer p = c.getPayload();
        byte[] bytes = new byte[p.remaining()];
        p.duplicate().get(bytes);
        bytes[payloadIndex] ^= 0x40;
        c.setPayload(ByteBuffer.wrap(bytes));
        return new Msg(m.key(), CODEC.encode(c));
    }

    static byte[] request(String ckpt, long deadlineMs, String... hosts) {
        List<HostSelection> sel = new ArrayList<>();
        for (String h : hosts) sel.add(HostSelection.newBuilder().setHostId(h).setPids(List.of(1)).build());
        return CODEC.encode(CheckpointRequest.newBuilder().setCheckpointId(ckpt).setRequestedAtMs(deadlineMs - 60_000)
                .setDeadlineMs(deadlineMs).setRequestedBy("test").setHosts(sel)
                .setOptions(CheckpointOptions.newBuilder().build()).build());
    }
}
