package io.fleetckpt.agent.share;

import io.fleetckpt.agent.capture.CapturedFd;

import java.util.List;

/** The fds of one scanned task, as the sharing step sees them. */
public record TaskFds(int pid, List<CapturedFd> fds) {
}
