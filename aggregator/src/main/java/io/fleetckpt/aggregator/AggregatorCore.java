package io.fleetckpt.aggregator;

import io.fleetckpt.aggregator.dlq.DeadLetter;
import io.fleetckpt.aggregator.dlq.DlqSink;
import io.fleetckpt.aggregator.reassemble.ChunkOutcome;
import io.fleetckpt.aggregator.reassemble.CompleteStream;
import io.fleetckpt.aggregator.reassemble.FailureKind;
import io.fleetckpt.aggregator.reassemble.Reassembler;
import io.fleetckpt.aggregator.reassemble.ReassemblyLimits;
import io.fleetckpt.aggregator.reassemble.StreamFailure;
import io.fleetckpt.aggregator.reassemble.StreamKey;
import io.fleetckpt.aggregator.resolve.ImageBuffer;
import io.fleetckpt.aggregator.resolve.StreamFormatException;
import io.fleetckpt.aggregator.resolve.StreamResolver;
import io.fleetckpt.aggregator.storing.CheckpointLedger;
import io.fleetckpt.aggregator.storing.EventSink;
import io.fleetckpt.aggregator.storing.ImageStorer;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageFormatException;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.messages.codec.MessageDecodeException;
import io.fleetckpt.messages.codec.MessageIds;
import io.fleetckpt.store.ImageEntry;
import io.fleetckpt.store.ImageStore;
import io.fleetckpt.store.StoreIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The aggregator without Kafka: messages in (with partition and offset), images, manifests,
 * events and dead letters out, and the offset each partition may safely commit. The consumer
 * loop is a thin shell around it; tests drive it directly. Single-threaded.
 *
 * <p>Failure policy: bad input fails at most its host stream and goes to the DLQ; a failing
 * store (disk full, permissions) is not the input's fault and propagates, so nothing is
 * committed and the stream is assembled again after a restart.
 */
public final class AggregatorCore {
    private static final Logger LOG = LoggerFactory.getLogger(AggregatorCore.class);

    private final MessageCodec codec;
    private final String recordsTopic;
    private final String controlTopic;
    private final ReassemblyLimits limits;
    private final CheckpointLedger ledger;
    private final StreamResolver resolver;
    private final ImageStorer storer;
    private final ImageStore store;
    private final DlqSink dlq;
    private final Map<Integer, Reassembler> partitions = new HashMap<>();
    private final AggregatorStats stats = new AggregatorStats();
    /** Encoding, validating, hashing and fsyncing run here, off the consumer thread. */
    private final ExecutorService storePool;
    private final int maxPendingImages;
    private final ArrayDeque<PendingImage> pending = new ArrayDeque<>();
    /** Per resolving thread (the pool's, or the caller's without a pool). */
    private final ThreadLocal<ImageBuffer> imageBuffers = ThreadLocal.withInitial(ImageBuffer::new);

    /**
     * A resolved image being written by the store pool; recorded in the ledger once durable.
     * Until then its partition must not commit past {@code firstOffset}.
     */
    private record PendingImage(CompleteStream stream, Reassembler reassembler, int partition, long firstOffset,
                                Future<ImageEntry> entry) {
    }

    public AggregatorCore(ImageStore store, EventSink events, DlqSink dlq, String recordsTopic, String controlTopic,
                          ReassemblyLimits limits, FormatOptions format, MessageCodec codec, LongSupplier clock) {
        this(store, events, dlq, recordsTopic, controlTopic, limits, format, codec, clock, null, 1);
    }

    /**
     * @param storePool        where images are encoded and stored, or null to do it on the caller's thread
     * @param maxPendingImages images in flight in the pool before the caller waits for the oldest
     */
    public AggregatorCore(ImageStore store, EventSink events, DlqSink dlq, String recordsTopic, String controlTopic,
                          ReassemblyLimits limits, FormatOptions format, MessageCodec codec, LongSupplier clock,
                          ExecutorService storePool, int maxPendingImages) {
        this.storePool = storePool;
        this.maxPendingImages = Math.max(1, maxPendingImages);
        this.store = store;
        this.dlq = dlq;
        this.recordsTopic = recordsTopic;
        this.controlTopic = controlTopic;
        this.limits = limits;
        this.codec = codec;
        this.ledger = new CheckpointLedger(store, events, clock, codec);
        this.resolver = new StreamResolver(format);
        this.storer = new ImageStorer(store, format);
    }

    /** One message of the records topic. */
    public void onRecord(int partition, long offset, byte[] key, byte[] value) throws IOException {
        if (stats.chunks++ == 0) stats.firstChunkNanos = System.nanoTime();
        stats.chunkBytes += value == null ? 0 : value.length;
        RecordChunk chunk;
        try {
            chunk = codec.decode(value, RecordChunk.class);
        } catch (MessageDecodeException e) {
            // the key is the only hint of whose it was (unchecked, so quoted)
            deadLetter(recordsTopic, partition, offset, key, value, "not a RecordChunk (key " + quotedKey(key) + "): " + e.getMessage(),
                    DeadLetter.UNDECODABLE, null, false);
            return;
        }
        if (!StoreIds.isSafe(chunk.getCheckpointId()) || !StoreIds.isSafe(chunk.getHostId())) {
            // named quoted and escaped, never as a path or in the dead letter's id headers
            deadLetter(recordsTopic, partition, offset, key, value, "checkpoint " + MessageIds.quote(chunk.getCheckpointId())
                    + " host " + MessageIds.quote(chunk.getHostId()) + " sequence " + chunk.getSequence() + ": "
                    + idProblem(chunk.getCheckpointId(), chunk.getHostId()), DeadLetter.INVALID_ID, null, false);
            return;
        }
        String k = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (!chunk.getCheckpointId().equals(k)) {
            // a chunk keyed otherwise may sit in another partition than its stream: it cannot be ordered
            deadLetter(recordsTopic, partition, offset, key, value, "checkpoint " + chunk.getCheckpointId() + " host " + chunk.getHostId()
                    + " sequence " + chunk.getSequence() + ": record key " + quotedKey(key) + " is not the checkpoint id",
                    DeadLetter.WRONG_KEY, chunk, false);
            return;
        }
        Reassembler r = partitions.computeIfAbsent(partition, p -> new Reassembler(limits, ledger::isHostFinished));
        ChunkOutcome outcome = r.accept(chunk, offset);
        if (outcome instanceof ChunkOutcome.Completed c) complete(r, partition, c.firstOffset(), c.stream());
        else if (outcome instanceof ChunkOutcome.Failed f) fail(f.failure(), partition, offset, key, value, chunk);
        else if (outcome instanceof ChunkOutcome.Duplicate) stats.duplicates++;
        else if (outcome instanceof ChunkOutcome.Ignored) stats.ignored++;
        else if (outcome instanceof ChunkOutcome.Refused f) {
            StreamFailure why = f.failure();
            deadLetter(recordsTopic, partition, offset, key, value, why.describe(), why.kind().name(), chunk, false);
        }
    }

    /**
     * One message of the control topic. A bad one is skipped with a warning, not dead-lettered:
     * every agent dead-letters it already (reporter {@code agent:<host>}), and every aggregator
     * instance re-reads the whole control topic on each start, so its dead letters would repeat
     * the same message once per instance and restart.
     */
    public void onControl(int partition, long offset, byte[] key, byte[] value) throws IOException {
        CheckpointRequest request;
        try {
            request = codec.decode(value, CheckpointRequest.class);
        } catch (MessageDecodeException e) {
            LOG.warn("control message {}-{}@{} skipped: not a CheckpointRequest: {}", controlTopic, partition, offset, e.getMessage());
            return;
        }
        String problem = MessageIds.problem("checkpoint id", request.getCheckpointId());
        for (int i = 0; problem == null && i < request.getHosts().size(); i++) {
            problem = MessageIds.problem("host id", request.getHosts().get(i).getHostId());
        }
        if (problem != null) {
            LOG.warn("control message {}-{}@{} skipped: checkpoint request with an {}", controlTopic, partition, offset, problem);
            return;
        }
        ledger.onRequest(request);
    }

    private static String quotedKey(byte[] key) {
        return key == null ? "null" : MessageIds.quote(new String(key, StandardCharsets.UTF_8));
    }

    private static String idProblem(String checkpointId, String hostId) {
        String p = MessageIds.problem("checkpoint id", checkpointId);
        return p != null ? p : MessageIds.problem("host id", hostId);
    }

    /**
     * Fails what is still open in checkpoints past their deadline. Call only when the records
     * partitions are read up to their end, so streams that did complete in time are not failed
     * merely because they were not read yet.
     *
     * @param owned whether this instance owns a checkpoint (its records partition is assigned here)
     */
    public void expireOverdue(long nowMs, Predicate<String> owned) throws IOException {
        if (ledger.overdue(nowMs).isEmpty()) return;
        drainPending(0); // an image being stored is a finished host, not a late one
        for (String id : ledger.overdue(nowMs)) {
            if (!owned.test(id)) continue;
            String why = "deadline passed (" + ledger.current(id).map(m -> Instant.ofEpochMilli(m.deadlineMs()).toString()).orElse("?") + ")";
            for (Reassembler r : partitions.values()) {
                for (StreamFailure f : r.expire(id, why)) {
                    stats.streamsFailed++;
                    ledger.onFailed(f.key(), f.reason());
                }
            }
            ledger.expire(id, why + ": no chunk received");
            for (Reassembler r : partitions.values()) r.forgetCheckpoint(id);
        }
    }

    /** Makes every staged manifest durable and emits the staged events. Call before committing. */
    public void flush() throws IOException {
        flush(true);
    }

    /**
     * As {@link #flush()}, but with {@code waitForImages} false it takes only the images the
     * pool has finished (oldest first) and leaves the rest running: the consumer goes on reading
     * instead of waiting for the pool to empty, and {@link #safeOffset} keeps commits behind the
     * images still being stored.
     */
    public void flush(boolean waitForImages) throws IOException {
        if (waitForImages) drainPending(0);
        else drainFinished();
        // group commit: the directory entries of every image stored since the last flush, in one
        // round of directory fsyncs, before the manifests that name them
        store.syncStagedBlobs();
        ledger.flush();
    }

    /** The events handed to the sink so far are delivered (the sink said so): see {@link CheckpointLedger}. */
    public void eventsDelivered() throws IOException {
        ledger.delivered();
    }

    /**
     * Announces the events an earlier aggregator stored the manifests of but died before seeing
     * delivered. Call once, before the first message; then {@link #eventsDelivered()}.
     */
    public int announceLeftovers() throws IOException {
        return ledger.announceLeftovers();
    }

    /** Whether {@code flush(false)} has something to make durable: a finished image, a manifest or an event. */
    public boolean hasUnflushed() {
        return ledger.hasUnflushed() || (!pending.isEmpty() && pending.peekFirst().entry().isDone());
    }

    /** Images still in the store pool. */
    public int imagesInFlight() {
        return pending.size();
    }

    /** The offset a partition may commit once {@link #flush()} has returned. */
    public long safeOffset(int partition, long nextOffset) {
        Reassembler r = partitions.get(partition);
        long safe = r == null ? nextOffset : r.safeOffset(nextOffset);
        // a stream whose image is still being stored is as unfinished as one still assembling
        for (PendingImage p : pending) if (p.partition() == partition) safe = Math.min(safe, p.firstOffset());
        return safe;
    }

    /** Drops a partition's state: its new owner rebuilds it from the committed offset. */
    public void revoke(int partition) {
        partitions.remove(partition);
    }

    public Set<Integer> partitions() {
        return partitions.keySet();
    }

    public CheckpointLedger ledger() {
        return ledger;
    }

    /** Host streams being reassembled over all partitions (consumer thread only). */
    public int openStreams() {
        return partitions.values().stream().mapToInt(Reassembler::openStreams).sum();
    }

    public AggregatorStats stats() {
        return stats;
    }

    public long bufferedBytes() {
        return partitions.values().stream().mapToLong(Reassembler::bufferedBytes).sum();
    }

    private void complete(Reassembler r, int partition, long firstOffset, CompleteStream stream) throws IOException {
        if (storePool == null) {
            try {
                recordStored(stream, resolveAndStore(stream));
            } catch (ImageFormatException | StreamFormatException | IllegalArgumentException e) {
                formatFailure(r, stream, e);
            }
            return;
        }
        // parsing, resolving, encoding, validating and fsyncing a stream touch nothing shared:
        // they run in the pool while this thread goes on reassembling
        pending.add(new PendingImage(stream, r, partition, firstOffset, storePool.submit(() -> resolveAndStore(stream))));
        drainPending(maxPendingImages);
    }

    private ImageEntry resolveAndStore(CompleteStream stream) throws IOException {
        // the image is written and synced before this returns, so the thread's buffer is free again
        return storer.store(stream, resolver.resolve(stream, imageBuffers.get()));
    }

    /** Records the images the pool has finished, oldest first, up to the first still running. */
    private void drainFinished() throws IOException {
        int done = 0;
        for (PendingImage p : pending) {
            if (!p.entry().isDone()) break;
            done++;
        }
        drainPending(pending.size() - done);
    }

    /** Waits for stored images (oldest first) until at most {@code keep} are in flight. */
    private void drainPending(int keep) throws IOException {
        while (pending.size() > keep) {
            PendingImage p = pending.peekFirst();
            ImageEntry entry;
            try {
                entry = p.entry().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while storing " + p.stream().key(), e);
            } catch (ExecutionException e) {
                pending.removeFirst();
                Throwable c = e.getCause();
                if (c instanceof ImageFormatException || c instanceof StreamFormatException || c instanceof IllegalArgumentException) {
                    formatFailure(p.reassembler(), p.stream(), (Exception) c);
                    continue;
                }
                if (c instanceof IOException io) throw io;
                throw new IllegalStateException(p.stream().key() + ": storing the image failed: " + c, c);
            }
            pending.removeFirst();
            recordStored(p.stream(), entry);
        }
    }

    private void recordStored(CompleteStream stream, ImageEntry entry) throws IOException {
        stats.imagesStored++;
        stats.imageBytes += entry.sizeBytes();
        stats.fdEntriesStored += entry.fdCount();
        ledger.onStored(stream.key(), entry, store.locationOf(entry.blob()));
        LOG.debug("{}: stored image sha256:{} ({} tasks, {} fds)", stream.key(), entry.sha256(), entry.taskCount(), entry.fdCount());
    }

    private void formatFailure(Reassembler r, CompleteStream stream, Exception e) throws IOException {
        long at = e instanceof ImageFormatException ife ? ife.offset()
                : e instanceof StreamFormatException sfe ? sfe.streamOffset() : -1;
        RecordChunk culprit = chunkAt(stream, at);
        StreamFailure f = new StreamFailure(stream.key(), stream.agentRunId(), culprit == null ? -1 : culprit.getSequence(),
                FailureKind.FORMAT_ERROR, "kernel-format error: " + e.getMessage(), culprit);
        r.markFinished(stream.key());
        fail(f, -1, -1, null, null, null);
    }

    /**
     * Records a failed stream; bad input goes to the DLQ: the message at hand when the culprit is
     * it ({@code value}), else the culprit re-encoded.
     */
    private void fail(StreamFailure f, int partition, long offset, byte[] key, byte[] value, RecordChunk atHandChunk)
            throws IOException {
        stats.streamsFailed++;
        if (!f.kind().isBadInput() || f.culprit() == null) LOG.warn("{}", f.describe()); // else the dead letter's line says it
        if (f.kind().isBadInput() && f.culprit() != null) {
            // the message at hand is the culprit only if it is that chunk: a late chunk that
            // completes a stream whose END then fails the digest is not the culprit, END is
            boolean atHand = value != null && partition >= 0 && atHandChunk != null
                    && f.culprit().getSequence() == atHandChunk.getSequence()
                    && f.culprit().getKind() == atHandChunk.getKind()
                    && f.culprit().getAgentRunId().equals(atHandChunk.getAgentRunId());
            byte[] bytes = atHand ? value : codec.encode(f.culprit());
            byte[] k = atHand ? key : f.key().checkpointId().getBytes(StandardCharsets.UTF_8);
            deadLetter(recordsTopic, atHand ? partition : -1, atHand ? offset : -1, k, bytes, f.describe(), f.kind().name(),
                    f.culprit(), !atHand);
        }
        ledger.onFailed(f.key(), f.kind().name().toLowerCase().replace('_', ' ') + ": " + f.describe());
    }

    private void deadLetter(String topic, int partition, long offset, byte[] key, byte[] value, String reason,
                            String kind, RecordChunk chunk, boolean reencoded) {
        stats.deadLetters++;
        if (reencoded) LOG.warn("dead letter (the culprit chunk, re-encoded) from {}: {}", topic, reason);
        else LOG.warn("dead letter from {}-{}@{}: {}", topic, partition, offset, reason);
        dlq.send(new DeadLetter(topic, partition, offset, key, value, reason, kind,
                chunk == null ? null : chunk.getCheckpointId(), chunk == null ? null : chunk.getHostId(),
                chunk == null ? null : chunk.getSequence(), reencoded));
    }

    /** The chunk holding stream offset {@code at} (BEGIN..TASKS, then END), or null. */
    private static RecordChunk chunkAt(CompleteStream s, long at) {
        if (at < 0) return null;
        long start = 0;
        List<RecordChunk> chunks = s.chunks();
        for (RecordChunk c : chunks) {
            long end = start + c.getPayload().remaining();
            if (at < end) return c;
            start = end;
        }
        return s.end();
    }
}
