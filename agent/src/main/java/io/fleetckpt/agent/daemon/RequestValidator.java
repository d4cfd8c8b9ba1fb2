package io.fleetckpt.agent.daemon;

import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.codec.MessageIds;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a decoded request before anything acts on it: a control message is untrusted input, and
 * a well-formed Avro message can still ask for nonsense (no hosts, 10^7 pids, a bad regex).
 */
public final class RequestValidator {
    public static final int MAX_HOSTS = 100_000;
    public static final int MAX_SELECTORS_PER_HOST = 100_000;
    public static final int MAX_PATTERN_CHARS = 1024;

    private RequestValidator() {
    }

    /** @return null if the request is acceptable, else what is wrong with it */
    public static String problem(CheckpointRequest r) {
        // an id the aggregator cannot store must not get processes frozen
        String idProblem = MessageIds.problem("checkpointId", r.getCheckpointId());
        if (idProblem != null) return idProblem;
        if (r.getHosts().isEmpty()) return "request selects no hosts";
        if (r.getHosts().size() > MAX_HOSTS) return "request names " + r.getHosts().size() + " hosts, over the bound of " + MAX_HOSTS;
        if (r.getDeadlineMs() <= r.getRequestedAtMs()) return "deadlineMs " + r.getDeadlineMs() + " is not after requestedAtMs " + r.getRequestedAtMs();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < r.getHosts().size(); i++) {
            HostSelection h = r.getHosts().get(i);
            String where = "hosts[" + i + "]";
            String hostProblem = MessageIds.problem(where + ".hostId", h.getHostId());
            if (hostProblem != null) return hostProblem;
            if (!seen.add(h.getHostId())) return where + ".hostId " + MessageIds.quote(h.getHostId()) + " appears twice";
            int n = h.getPids().size() + h.getTrees().size() + h.getCgroups().size() + h.getCommPatterns().size();
            if (n == 0) return where + " (" + MessageIds.quote(h.getHostId()) + ") selects nothing";
            if (n > MAX_SELECTORS_PER_HOST) return where + " has " + n + " selectors, over the bound of " + MAX_SELECTORS_PER_HOST;
            for (int pid : h.getPids()) if (pid <= 0) return where + ".pids holds " + pid;
            for (int pid : h.getTrees()) if (pid <= 0) return where + ".trees holds " + pid;
            for (String cg : h.getCgroups()) if (cg.isEmpty() || cg.contains("..") || cg.indexOf(0) >= 0) return where + ".cgroups holds " + MessageIds.quote(cg) + ": a cgroup path without '..'";
            for (String p : h.getCommPatterns()) {
                if (p.length() > MAX_PATTERN_CHARS) return where + ".commPatterns holds a pattern of " + p.length() + " characters";
                try {
                    Pattern.compile(p);
                } catch (PatternSyntaxException e) {
                    return where + ".commPatterns: invalid regular expression " + MessageIds.quote(p) + ": " + e.getDescription();
                }
            }
        }
        return null;
    }
}
