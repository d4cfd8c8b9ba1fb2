package io.fleetckpt.aggregator.resolve;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.OpenFile;

/**
 * One fd of a task section: the FD_ENT and the FD_DATA + FNAME that follow every fd in a host
 * stream. {@code entry.objref()} and {@code file.objref()} are the stream objref.
 *
 * @param streamOffset where the FD_ENT starts in the host stream (for error messages)
 */
public record StreamFd(FdEntry entry, OpenFile file, long streamOffset) {
}
