package io.fleetckpt.agent.share;

/** kcmp could not compare an fd: it was closed, or its task is gone or refused access. */
public record KcmpFailure(int pid, int fd, int errno, String what) {
}
