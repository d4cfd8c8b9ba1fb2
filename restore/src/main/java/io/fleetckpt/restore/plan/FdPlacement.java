package io.fleetckpt.restore.plan;

/** One fd number of a restored task: which description goes there, and its saved close-on-exec bit. */
public record FdPlacement(int fd, boolean closeOnExec, int objref) {
}
