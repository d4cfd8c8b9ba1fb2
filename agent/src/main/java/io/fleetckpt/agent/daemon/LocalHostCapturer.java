package io.fleetckpt.agent.daemon;

import io.fleetckpt.agent.CaptureRequest;
import io.fleetckpt.agent.CaptureResult;
import io.fleetckpt.agent.Capturer;
import io.fleetckpt.agent.ImageMapper;
import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.publish.CapturedHost;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.HostSelection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Captures this machine's processes for a request with the capture stage ({@link Capturer}):
 * select, freeze, read the fd tables, thaw; then maps the result to the image model. Everything
 * after this call (encoding, publishing) runs with the tasks already thawed.
 */
public final class LocalHostCapturer implements HostCapturer, AutoCloseable {
    private static final int MAX_ERRORS_IN_REASON = 10;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalHostCapturer.class);

    private final Capturer capturer;
    private final Path stateDir;
    private final int threads;
    private final java.time.Duration maxFrozen;

    public LocalHostCapturer(Path stateDir, int threads) {
        this(stateDir, threads, CaptureRequest.DEFAULT_MAX_FROZEN);
    }

    /** @param maxFrozen the frozen window's bound (see {@link CaptureRequest#maxFrozen()}) */
    public LocalHostCapturer(Path stateDir, int threads, java.time.Duration maxFrozen) {
        this.capturer = new Capturer(Syscalls.system());
        this.stateDir = stateDir;
        this.threads = threads;
        this.maxFrozen = maxFrozen;
    }

    /**
     * Thaws what a dead agent left frozen (see {@link Capturer#recoverLeftovers}); an agent calls
     * this first thing at start.
     */
    public List<String> recoverLeftovers() {
        return capturer.recoverLeftovers(stateDir);
    }

    @Override
    public CapturedHost capture(String checkpointId, HostSelection sel, CheckpointOptions options) throws CaptureException {
        CaptureRequest req = CaptureRequest.of(selectors(sel))
                .withFreeze(options == null || options.getFreeze())
                .withThreads(threads)
                .withStateDir(stateDir)
                .withMaxFrozen(maxFrozen);
        CaptureResult r;
        try {
            r = capturer.capture(req);
        } catch (IOException | RuntimeException e) {
            throw new CaptureException("checkpoint " + checkpointId + ": " + e.getMessage(), e);
        }
        // a freeze that failed or fell back, a dead agent's leftovers undone: the log is the only place a daemon can say so
        for (String note : r.notes()) LOG.warn("checkpoint {}: {}", checkpointId, note);
        if (r.tasks().isEmpty()) {
            throw new CaptureException("no task could be captured" + (r.errors().isEmpty() ? " (the selection matched no process)" : ": " + summary(r.errors())));
        }
        String partial = r.partial() ? r.errors().size() + " selected task(s) left out: " + summary(r.errors()) : null;
        return new CapturedHost(ImageMapper.toImage(r), r.epochSeconds() * 1000, r.frozen(),
                r.timings().frozenWindow() / 1000, partial);
    }

    static List<Selector> selectors(HostSelection sel) {
        List<Selector> out = new ArrayList<>();
        sel.getPids().forEach(p -> out.add(new Selector.Pid(p)));
        sel.getTrees().forEach(p -> out.add(new Selector.Tree(p)));
        sel.getCgroups().forEach(c -> out.add(new Selector.Cgroup(c)));
        sel.getCommPatterns().forEach(c -> out.add(new Selector.Comm(Pattern.compile(c))));
        return out;
    }

    private static String summary(List<TaskError> errors) {
        String s = errors.stream().limit(MAX_ERRORS_IN_REASON).map(TaskError::toString).collect(Collectors.joining("; "));
        return errors.size() > MAX_ERRORS_IN_REASON ? s + "; ..." : s;
    }

    @Override
    public void close() {
        capturer.close();
    }
}
