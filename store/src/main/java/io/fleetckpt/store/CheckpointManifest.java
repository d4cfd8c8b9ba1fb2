package io.fleetckpt.store;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code checkpoints/<id>/manifest.json}: the checkpoint's status and, per host, its status,
 * reason and stored image. Hosts are kept sorted by id so equal content serialises to equal bytes.
 *
 * @param requestedAtMs 0 when the aggregator has images but has not seen the request
 * @param deadlineMs    0 when unknown, as above
 * @param completedAtMs set once the status is final
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckpointManifest(int formatVersion, String checkpointId, CheckpointStatus status,
                                 long requestedAtMs, long deadlineMs, Long completedAtMs,
                                 List<HostEntry> hosts) {
    public static final int FORMAT_VERSION = 1;
    /** Bound for hostile or damaged manifests; far above any real fleet per checkpoint. */
    public static final int MAX_HOSTS = 100_000;

    public CheckpointManifest {
        StoreIds.checkCheckpointId(checkpointId);
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("checkpoint " + checkpointId + ": manifest format version "
                    + formatVersion + " is not supported (expected " + FORMAT_VERSION + ")");
        }
        if (status == null) throw new IllegalArgumentException("checkpoint " + checkpointId + ": missing status");
        if (hosts == null) hosts = List.of();
        if (hosts.size() > MAX_HOSTS) {
            throw new IllegalArgumentException("checkpoint " + checkpointId + ": " + hosts.size()
                    + " hosts exceed the bound of " + MAX_HOSTS);
        }
        Set<String> seen = new HashSet<>();
        for (HostEntry h : hosts) {
            if (h == null) throw new IllegalArgumentException("checkpoint " + checkpointId + ": null host entry");
            if (!seen.add(h.hostId())) {
                throw new IllegalArgumentException("checkpoint " + checkpointId + ": host " + h.hostId() + " listed twice");
            }
        }
        List<HostEntry> sorted = new ArrayList<>(hosts);
        sorted.sort(Comparator.comparing(HostEntry::hostId));
        hosts = List.copyOf(sorted);
    }

    public static CheckpointManifest inProgress(String checkpointId, long requestedAtMs, long deadlineMs,
                                                List<HostEntry> hosts) {
        return new CheckpointManifest(FORMAT_VERSION, checkpointId, CheckpointStatus.IN_PROGRESS,
                requestedAtMs, deadlineMs, null, hosts);
    }

    public Optional<HostEntry> host(String hostId) {
        return hosts.stream().filter(h -> h.hostId().equals(hostId)).findFirst();
    }

    /** A copy with {@code entry} replacing (or adding) the host of the same id. */
    public CheckpointManifest withHost(HostEntry entry) {
        List<HostEntry> next = new ArrayList<>(hosts.size() + 1);
        for (HostEntry h : hosts) if (!h.hostId().equals(entry.hostId())) next.add(h);
        next.add(entry);
        return new CheckpointManifest(formatVersion, checkpointId, status, requestedAtMs, deadlineMs,
                completedAtMs, next);
    }

    public CheckpointManifest withStatus(CheckpointStatus newStatus, Long completedAt) {
        return new CheckpointManifest(formatVersion, checkpointId, newStatus, requestedAtMs, deadlineMs,
                completedAt, hosts);
    }

    public CheckpointManifest withRequest(long requestedAt, long deadline) {
        return new CheckpointManifest(formatVersion, checkpointId, status, requestedAt, deadline,
                completedAtMs, hosts);
    }

    /**
     * The final status the hosts imply: STORED if every host has a full image, FAILED if none has
     * an image, PARTIAL otherwise. Hosts still PENDING count as failed (the caller decides when
     * that is fair: after the deadline).
     */
    public CheckpointStatus outcome() {
        long withImage = hosts.stream().filter(h -> h.status().hasImage()).count();
        long full = hosts.stream().filter(h -> h.status() == HostStatus.STORED).count();
        if (!hosts.isEmpty() && full == hosts.size()) return CheckpointStatus.STORED;
        return withImage == 0 ? CheckpointStatus.FAILED : CheckpointStatus.PARTIAL;
    }
}
