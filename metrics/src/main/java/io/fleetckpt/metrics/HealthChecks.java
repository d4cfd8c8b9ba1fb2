package io.fleetckpt.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The named component checks behind {@code /health}. The whole is UP only when every check is UP;
 * a check that throws is DOWN with the exception's message, never an HTTP 500.
 */
public final class HealthChecks {
    private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();

    /** Registers or replaces the check named {@code name}. */
    public HealthChecks register(String name, HealthCheck check) {
        checks.put(Objects.requireNonNull(name), Objects.requireNonNull(check));
        return this;
    }

    public Report run() {
        Map<String, HealthCheck.Result> results = new LinkedHashMap<>();
        boolean up = true;
        for (String name : checks.keySet().stream().sorted().toList()) {
            HealthCheck.Result r = runOne(checks.get(name));
            results.put(name, r);
            up &= r.up();
        }
        return new Report(up, results);
    }

    private static HealthCheck.Result runOne(HealthCheck check) {
        try {
            HealthCheck.Result r = check.check();
            return r == null ? HealthCheck.Result.down("check returned nothing") : r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheck.Result.down("interrupted");
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return HealthCheck.Result.down(msg);
        }
    }

    public record Report(boolean up, Map<String, HealthCheck.Result> checks) {
        public String status() {
            return up ? "UP" : "DOWN";
        }
    }
}
