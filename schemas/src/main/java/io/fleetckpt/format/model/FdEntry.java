package io.fleetckpt.format.model;

/** One slot of an fd table (FD_ENT): the fd number, its close-on-exec bit and the open file. */
public record FdEntry(int fd, boolean closeOnExec, int objref) {
}
