package io.fleetckpt.agent.publish;

import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.section.SectionChunk;
import io.fleetckpt.format.section.SectionWriter;
import io.fleetckpt.kafka.ChunkBudget;
import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.StreamTotals;
import io.fleetckpt.messages.codec.MessageCodec;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Publishes one host stream to the records topic: BEGIN (HEAD + TREE + pids), TASKS chunks of
 * task sections cut at record boundaries under the chunk budget, END (TAIL + totals + digest),
 * with contiguous sequence numbers from 0, all keyed by the checkpoint id (one partition, so the
 * broker keeps their order).
 *
 * <p>Every send is checked: the first failed callback (or a send that throws) stops the stream,
 * and the publisher ends it with ABORT and the reason, so the aggregator fails this host at once
 * instead of waiting for the deadline. Sends are asynchronous (the producer batches), and
 * {@link #publish} returns only after the broker acknowledged everything.
 *
 * <p>The producer must be idempotent with acks=all (see {@code ProducerDefaults}); one publisher
 * may be shared by streams published one after another, not concurrently.
 */
public final class HostStreamPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(HostStreamPublisher.class);
    private static final int MAX_REASON_CHARS = 2000;
    /** Ids, counts and totals around the payload: an encode buffer this much larger never regrows. */
    private static final int ENVELOPE_HINT = 4096;

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final ChunkBudget budget;
    private final MessageCodec codec;
    private final FormatOptions options;
    private final SendListener sends;

    public HostStreamPublisher(Producer<String, byte[]> producer, String topic, ChunkBudget budget,
                               MessageCodec codec, FormatOptions options) {
        this(producer, topic, budget, codec, options, SendListener.NONE);
    }

    /** @param sends told of every chunk acknowledged or failed (metrics) */
    public HostStreamPublisher(Producer<String, byte[]> producer, String topic, ChunkBudget budget,
                               MessageCodec codec, FormatOptions options, SendListener sends) {
        this.sends = sends;
        this.producer = producer;
        this.topic = topic;
        this.budget = budget;
        this.codec = codec;
        this.options = options;
    }

    /**
     * Encodes and publishes the capture as one host stream.
     *
     * @throws HostStreamException if any part could not be published; the stream was aborted
     */
    public PublishResult publish(StreamId id, CapturedHost host) throws HostStreamException {
        return publish(id, host, options);
    }

    /** As {@link #publish(StreamId, CapturedHost)}, with the request's format options (strict v13). */
    public PublishResult publish(StreamId id, CapturedHost host, FormatOptions options) throws HostStreamException {
        long t0 = System.nanoTime();
        Stream s = new Stream(id);
        Image image = host.image();
        try {
            SectionWriter writer = new SectionWriter(budget.payloadBytes(), s::send, options);
            List<TaskInfo> tree = image.tasks().stream().map(Task::info).toList();
            s.send(writer.begin(image.header(), tree));
            for (Task t : image.tasks()) {
                s.stopIfFailed();
                writer.writeTask(t, image.openFiles()::get);
            }
            SectionChunk end = writer.end();
            s.sendEnd(end, host, image.openFiles().size());
            producer.flush();
            s.stopIfFailed();
        } catch (StopSending stop) {
            throw s.abort(s.tracker.failedSequence(), describe(s.tracker.failure()), s.tracker.failure());
        } catch (IOException | RuntimeException e) {
            // an encoding failure (e.g. strict v13 meets a socket) or a refused send
            throw s.abort(s.sequence, describe(e), e);
        }
        return new PublishResult(id, s.chunksBeforeEnd, s.recordsBeforeEnd, s.tasks, s.fds, s.payloadBytes,
                s.sha256Hex, s.largestMessage, System.nanoTime() - t0);
    }

    /**
     * Publishes a stream that is only an ABORT (e.g. the capture itself failed): the aggregator
     * learns at once that this host will not deliver.
     *
     * @return true if the broker acknowledged it
     */
    public boolean publishAbortOnly(StreamId id, String reason) {
        Stream s = new Stream(id);
        return s.sendAbort(reason);
    }

    static String describe(Throwable e) {
        if (e == null) return "unknown failure";
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null && !m.contains(c.getMessage())) m += " (" + c.getMessage() + ")";
        return m;
    }

    /** Thrown from the chunk sink to stop the section writer after a failed send. */
    private static final class StopSending extends IOException {
        StopSending() {
            super("stopped after a failed send");
        }
    }

    /** The state of one host stream being published. */
    private final class Stream {
        final StreamId id;
        final SendTracker tracker = new SendTracker(sends);
        final MessageDigest digest = sha256();
        long sequence;
        long chunksBeforeEnd;
        long recordsBeforeEnd;
        int tasks;
        long fds;
        long payloadBytes;
        String sha256Hex;
        int largestMessage;

        Stream(StreamId id) {
            this.id = id;
        }

        void stopIfFailed() throws StopSending {
            if (tracker.failed()) throw new StopSending();
        }

        void send(SectionChunk c) throws StopSending {
            ChunkKind kind = switch (c.kind()) {
                case BEGIN -> ChunkKind.BEGIN;
                case TASKS -> ChunkKind.TASKS;
                case END -> throw new IllegalStateException("END goes through sendEnd");
            };
            digest.update(c.payload());
            chunksBeforeEnd++;
            recordsBeforeEnd += c.recordCount();
            tasks += c.taskCount();
            fds += c.fdCount();
            payloadBytes += c.payload().length;
            sendChunk(chunk(kind, c, null, null));
        }

        void sendEnd(SectionChunk c, CapturedHost host, int openFiles) throws StopSending {
            sha256Hex = HexFormat.of().formatHex(digest.digest());
            StreamTotals totals = StreamTotals.newBuilder()
                    .setChunks(chunksBeforeEnd).setRecords(recordsBeforeEnd).setTasks(tasks).setFds(fds)
                    .setOpenFiles(openFiles).setPayloadBytes(payloadBytes).setSha256(sha256Hex)
                    .setCapturedAtMs(host.capturedAtMs()).setFrozen(host.frozen()).setFrozenWindowUs(host.frozenWindowUs())
                    .setPartialReason(bound(host.partialReason()))
                    .build();
            sendChunk(chunk(ChunkKind.END, c, totals, null));
        }

        private void sendChunk(RecordChunk chunk) throws StopSending {
            stopIfFailed();
            long seq = chunk.getSequence();
            byte[] value = codec.encode(chunk, chunk.getPayload().remaining() + ENVELOPE_HINT);
            if (value.length > budget.maxMessageBytes()) {
                tracker.fail(seq, new IllegalStateException(chunk.getKind() + " chunk of " + value.length
                        + " bytes exceeds the message limit of " + budget.maxMessageBytes() + " bytes"));
                throw new StopSending();
            }
            largestMessage = Math.max(largestMessage, value.length);
            try {
                producer.send(new ProducerRecord<>(topic, id.checkpointId(), value), tracker.callbackFor(seq));
            } catch (RuntimeException e) {
                // the producer refused synchronously: metadata timeout, closed producer, ...
                tracker.fail(seq, e);
                throw new StopSending();
            }
        }

        private RecordChunk chunk(ChunkKind kind, SectionChunk c, StreamTotals totals, String abortReason) {
            byte[] payload = c == null ? new byte[0] : c.payload();
            CRC32C crc = new CRC32C();
            crc.update(payload);
            return RecordChunk.newBuilder()
                    .setCheckpointId(id.checkpointId()).setHostId(id.hostId()).setAgentRunId(id.agentRunId())
                    .setSequence(sequence++).setKind(kind)
                    .setPayload(ByteBuffer.wrap(payload)).setCrc32c(crc.getValue())
                    .setRecordCount(c == null ? 0 : c.recordCount())
                    .setTaskCount(c == null ? 0 : c.taskCount())
                    .setFdCount(c == null ? 0 : c.fdCount())
                    .setTotals(totals).setAbortReason(abortReason)
                    .build();
        }

        HostStreamException abort(long failedSequence, String reason, Throwable cause) {
            LOG.warn("{}: aborting host stream at sequence {}: {}", id, failedSequence, reason);
            boolean published = sendAbort(reason);
            return new HostStreamException(id, failedSequence, reason, published, cause);
        }

        /** Sends ABORT with the next sequence number and waits for it; true if acknowledged. */
        boolean sendAbort(String reason) {
            RecordChunk abort = chunk(ChunkKind.ABORT, null, null, bound(reason));
            try {
                producer.send(new ProducerRecord<>(topic, id.checkpointId(), codec.encode(abort))).get();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                LOG.error("{}: ABORT could not be published either: {}", id, describe(e));
                return false;
            }
        }
    }

    private static String bound(String s) {
        return s == null || s.length() <= MAX_REASON_CHARS ? s : s.substring(0, MAX_REASON_CHARS) + "...";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
