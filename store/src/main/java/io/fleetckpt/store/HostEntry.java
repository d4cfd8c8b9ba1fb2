package io.fleetckpt.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One requested (or reporting) host of a checkpoint; {@code image} is set iff the status has one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostEntry(String hostId, HostStatus status, String reason, ImageEntry image) {
    public HostEntry {
        StoreIds.checkHostId(hostId);
        if (status == null) throw new IllegalArgumentException("host " + hostId + ": missing status");
        if (status.hasImage() != (image != null)) {
            throw new IllegalArgumentException("host " + hostId + ": status " + status
                    + (image == null ? " needs an image" : " cannot have an image"));
        }
    }

    public static HostEntry pending(String hostId) {
        return new HostEntry(hostId, HostStatus.PENDING, null, null);
    }

    public static HostEntry failed(String hostId, String reason) {
        return new HostEntry(hostId, HostStatus.FAILED, reason, null);
    }

    public static HostEntry stored(String hostId, ImageEntry image) {
        return image.partialReason() == null
                ? new HostEntry(hostId, HostStatus.STORED, null, image)
                : new HostEntry(hostId, HostStatus.PARTIAL, image.partialReason(), image);
    }
}
