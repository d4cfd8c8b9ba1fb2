package io.fleetckpt.aggregator.storing;

import io.fleetckpt.aggregator.reassemble.StreamKey;
import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.HostOutcome;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.ImageStatus;
import io.fleetckpt.messages.codec.MessageCodec;
import io.fleetckpt.messages.codec.MessageDecodeException;
import io.fleetckpt.store.CheckpointManifest;
import io.fleetckpt.store.CheckpointStatus;
import io.fleetckpt.store.HostEntry;
import io.fleetckpt.store.HostStatus;
import io.fleetckpt.store.ImageEntry;
import io.fleetckpt.store.ImageStore;
import io.fleetckpt.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * What the aggregator knows of each checkpoint: the request (hosts, deadline) and every host's
 * outcome, kept in the checkpoint's manifest. Changes are staged in memory and made durable by
 * {@link #flush()} (manifests first, then the events), which the consumer calls before it
 * commits offsets: nothing is committed that the store does not hold.
 *
 * <p>A host outcome, once recorded, is final; so is a checkpoint outcome. Re-delivered chunks of
 * a finished host are recognised from the manifest, which survives restarts.
 *
 * <p>Events are announced after their manifests are durable, and a restart does not announce a
 * finished host again. So that a crash between the two loses no event, a flush first writes
 * every event not yet known to be delivered to this ledger's outbox in the store, and
 * {@link #delivered()} clears it once the sink has them; a new ledger announces whatever
 * outboxes it finds ({@link #announceLeftovers()}). Events are therefore at least once: after a
 * crash in that window some are published twice, identical but for their time.
 */
public final class CheckpointLedger {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointLedger.class);
    private static final int FINISHED_CACHE = 4096;

    private final ImageStore store;
    private final EventSink events;
    private final LongSupplier clock;
    private final Map<String, Entry> active = new LinkedHashMap<>();
    private final Map<String, CheckpointManifest> finished = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CheckpointManifest> e) {
            return size() > FINISHED_CACHE;
        }
    };
    /**
     * Checkpoints whose stored manifest cannot be read (damaged, over the size bound, or too big
     * for this heap), with why. They are left untouched: overwriting would lose what the file
     * holds, and failing the whole consumer loop would stop every other checkpoint too.
     */
    private final Map<String, String> unreadable = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> e) {
            return size() > FINISHED_CACHE;
        }
    };
    private final Set<String> dirty = new LinkedHashSet<>();
    private final List<Object> pendingEvents = new ArrayList<>();
    private final MessageCodec codec;
    private final String outboxName = "ledger-" + UUID.randomUUID();
    /** Encoded events handed to the sink and not yet known to be delivered: what the outbox holds. */
    private final List<byte[]> undelivered = new ArrayList<>();
    /** Outboxes taken over from earlier ledgers, announced and awaiting delivery. */
    private final List<String> claimed = new ArrayList<>();

    private static final class Entry {
        CheckpointManifest manifest;
        Set<String> requested; // null until the request is seen

        Entry(CheckpointManifest manifest) {
            this.manifest = manifest;
        }
    }

    public CheckpointLedger(ImageStore store, EventSink events, LongSupplier clock, MessageCodec codec) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.codec = codec;
    }

    public void onRequest(CheckpointRequest r) throws IOException {
        Entry e = entry(r.getCheckpointId());
        if (e == null) return; // already final
        Set<String> hosts = new TreeSet<>();
        for (HostSelection h : r.getHosts()) hosts.add(h.getHostId());
        e.requested = hosts;
        CheckpointManifest m = e.manifest.withRequest(r.getRequestedAtMs(), r.getDeadlineMs());
        for (String h : hosts) if (m.host(h).isEmpty()) m = m.withHost(HostEntry.pending(h));
        e.manifest = m;
        dirty.add(r.getCheckpointId());
        maybeComplete(r.getCheckpointId(), e);
    }

    /** True if the host's outcome is already recorded (now or before a restart). */
    public boolean isHostFinished(StreamKey key) {
        try {
            Entry e = active.get(key.checkpointId());
            if (e != null) return e.manifest.host(key.hostId()).map(h -> h.status().isFinal()).orElse(false);
            CheckpointManifest f = finished.get(key.checkpointId());
            if (f != null) return true;
            Optional<CheckpointManifest> m = store.readManifest(key.checkpointId());
            if (m.isEmpty()) return false;
            if (m.get().status().isFinal()) {
                finished.put(key.checkpointId(), m.get());
                return true;
            }
            active.put(key.checkpointId(), new Entry(m.get()));
            return m.get().host(key.hostId()).map(h -> h.status().isFinal()).orElse(false);
        } catch (IOException | IllegalArgumentException ex) {
            // an unreadable manifest must not stop the stream: assemble it again, the store is idempotent
            LOG.warn("{}: cannot read the manifest ({}); treating the host as unfinished", key, ex.getMessage());
            return false;
        }
    }

    public void onStored(StreamKey key, ImageEntry image, String location) throws IOException {
        Entry e = entry(key.checkpointId());
        if (e == null) {
            if (unreadable.containsKey(key.checkpointId())) {
                LOG.warn("{}: image stored as sha256:{} at {}, but not recorded: the checkpoint's manifest cannot be read",
                        key, image.sha256(), location);
            }
            return;
        }
        HostEntry h = HostEntry.stored(key.hostId(), image);
        e.manifest = e.manifest.withHost(h);
        dirty.add(key.checkpointId());
        pendingEvents.add(ImageEvent.newBuilder().setCheckpointId(key.checkpointId()).setHostId(key.hostId())
                .setStatus(h.status() == HostStatus.STORED ? ImageStatus.STORED : ImageStatus.PARTIAL)
                .setLocation(location).setSha256(image.sha256()).setSizeBytes(image.sizeBytes())
                .setTaskCount(image.taskCount()).setFdCount(image.fdCount()).setReason(h.reason())
                .setEventTimeMs(clock.getAsLong()).build());
        maybeComplete(key.checkpointId(), e);
    }

    public void onFailed(StreamKey key, String reason) throws IOException {
        Entry e = entry(key.checkpointId());
        if (e == null) return;
        if (e.manifest.host(key.hostId()).map(h -> h.status().isFinal()).orElse(false)) return;
        e.manifest = e.manifest.withHost(HostEntry.failed(key.hostId(), reason));
        dirty.add(key.checkpointId());
        pendingEvents.add(failedEvent(key.checkpointId(), key.hostId(), reason));
        maybeComplete(key.checkpointId(), e);
    }

    /** Checkpoints whose deadline has passed and whose outcome is still open. */
    public List<String> overdue(long nowMs) {
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, Entry> e : active.entrySet()) {
            CheckpointManifest m = e.getValue().manifest;
            if (!m.status().isFinal() && m.deadlineMs() > 0 && nowMs > m.deadlineMs()) ids.add(e.getKey());
        }
        return ids;
    }

    /** Ends a checkpoint at its deadline: every host still pending fails with {@code why}. */
    public void expire(String checkpointId, String why) throws IOException {
        Entry e = entry(checkpointId);
        if (e == null) return;
        for (HostEntry h : e.manifest.hosts()) {
            if (h.status() == HostStatus.PENDING) {
                e.manifest = e.manifest.withHost(HostEntry.failed(h.hostId(), why));
                pendingEvents.add(failedEvent(checkpointId, h.hostId(), why));
            }
        }
        dirty.add(checkpointId);
        complete(checkpointId, e);
    }

    /** The in-memory view of a checkpoint (for progress and tests). */
    public Optional<CheckpointManifest> current(String checkpointId) {
        Entry e = active.get(checkpointId);
        if (e != null) return Optional.of(e.manifest);
        return Optional.ofNullable(finished.get(checkpointId));
    }

    public boolean hasUnflushed() {
        return !dirty.isEmpty() || !pendingEvents.isEmpty();
    }

    /**
     * Writes the staged events to the outbox, every changed manifest durably, then hands the
     * events to the sink. Call {@link #delivered()} once the sink has delivered them.
     */
    public void flush() throws IOException {
        if (!pendingEvents.isEmpty()) {
            for (Object ev : pendingEvents) undelivered.add(codec.encode((org.apache.avro.specific.SpecificRecord) ev));
            store.writeOutbox(outboxName, frames(undelivered));
        }
        for (String id : new ArrayList<>(dirty)) {
            Entry e = active.get(id);
            CheckpointManifest m = e != null ? e.manifest : finished.get(id);
            if (m != null) store.writeManifest(m);
            dirty.remove(id);
            if (e != null && m.status().isFinal()) {
                active.remove(id);
                finished.put(id, m);
            }
        }
        for (Object ev : pendingEvents) announce(ev);
        pendingEvents.clear();
    }

    /** The sink has delivered every event handed to it so far: the outboxes can go. */
    public void delivered() throws IOException {
        if (!undelivered.isEmpty()) {
            store.deleteOutbox(outboxName);
            undelivered.clear();
        }
        for (String name : claimed) store.deleteOutbox(name);
        claimed.clear();
    }

    /**
     * Announces the events of every outbox an earlier ledger left (it died before they were
     * delivered). Call before anything else, then {@link #delivered()} once the sink has them.
     *
     * @return how many events were announced again
     */
    public int announceLeftovers() throws IOException {
        int n = 0;
        for (Map.Entry<String, byte[]> box : store.claimOutboxes(outboxName).entrySet()) {
            claimed.add(box.getKey());
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(box.getValue()));
            try {
                while (in.available() > 0) {
                    byte[] b = new byte[in.readInt()];
                    in.readFully(b);
                    announce(codec.decode(b).message());
                    n++;
                }
            } catch (IOException | RuntimeException | MessageDecodeException e) {
                // a torn tail cannot happen (written whole, then renamed); anything else is damage
                LOG.warn("outbox {}: unreadable after {} events ({}); the rest is not announced again", box.getKey(), n, e.getMessage());
            }
        }
        if (n > 0) LOG.info("announced {} event{} again that an earlier run had not seen delivered", n, n == 1 ? "" : "s");
        return n;
    }

    private void announce(Object ev) {
        if (ev instanceof ImageEvent ie) events.imageEvent(ie);
        else if (ev instanceof CheckpointEvent ce) events.checkpointEvent(ce);
    }

    private static byte[] frames(List<byte[]> encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            for (byte[] e : encoded) {
                out.writeInt(e.length);
                out.write(e);
            }
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return bytes.toByteArray();
    }


    /** The checkpoint's open entry, or null when its outcome is final or its manifest unreadable. */
    private Entry entry(String checkpointId) throws IOException {
        Entry e = active.get(checkpointId);
        if (e != null) return e.manifest.status().isFinal() ? null : e;
        if (finished.containsKey(checkpointId) || unreadable.containsKey(checkpointId)) return null;
        Optional<CheckpointManifest> m;
        try {
            m = store.readManifest(checkpointId);
        } catch (StoreException bad) {
            // what the file says is unusable (an I/O failure is not caught: it fails the loop and is retried)
            unreadable.put(checkpointId, bad.getMessage());
            LOG.error("checkpoint {}: {}; the manifest is left as it is and the checkpoint's outcomes are not recorded"
                    + " until a restart reads it", checkpointId, bad.getMessage());
            return null;
        }
        if (m.isPresent() && m.get().status().isFinal()) {
            finished.put(checkpointId, m.get());
            return null;
        }
        e = new Entry(m.orElseGet(() -> CheckpointManifest.inProgress(checkpointId, 0, 0, List.of())));
        active.put(checkpointId, e);
        return e;
    }

    private void maybeComplete(String checkpointId, Entry e) {
        if (e.requested == null) {
            // after a restart the request may come from the manifest: its hosts are the requested ones
            if (e.manifest.requestedAtMs() == 0) return;
            e.requested = new TreeSet<>();
            for (HostEntry h : e.manifest.hosts()) e.requested.add(h.hostId());
        }
        for (String h : e.requested) {
            if (!e.manifest.host(h).map(x -> x.status().isFinal()).orElse(false)) return;
        }
        complete(checkpointId, e);
    }

    private void complete(String checkpointId, Entry e) {
        long now = clock.getAsLong();
        CheckpointStatus status = e.manifest.outcome();
        e.manifest = e.manifest.withStatus(status, now);
        dirty.add(checkpointId);
        List<HostOutcome> outcomes = new ArrayList<>();
        for (HostEntry h : e.manifest.hosts()) {
            outcomes.add(HostOutcome.newBuilder().setHostId(h.hostId()).setStatus(imageStatus(h.status()))
                    .setSha256(h.image() == null ? null : h.image().sha256()).setReason(h.reason()).build());
        }
        pendingEvents.add(CheckpointEvent.newBuilder().setCheckpointId(checkpointId)
                .setStatus(ImageStatus.valueOf(status.name())).setManifestLocation(store.manifestLocation(checkpointId))
                .setHosts(outcomes).setEventTimeMs(now).build());
        LOG.info("checkpoint {} {} at {}", checkpointId, status, Instant.ofEpochMilli(now));
    }

    private ImageEvent failedEvent(String checkpointId, String hostId, String reason) {
        return ImageEvent.newBuilder().setCheckpointId(checkpointId).setHostId(hostId).setStatus(ImageStatus.FAILED)
                .setReason(reason).setEventTimeMs(clock.getAsLong()).build();
    }

    private static ImageStatus imageStatus(HostStatus s) {
        return switch (s) {
            case STORED -> ImageStatus.STORED;
            case PARTIAL -> ImageStatus.PARTIAL;
            case PENDING, FAILED -> ImageStatus.FAILED;
        };
    }
}
