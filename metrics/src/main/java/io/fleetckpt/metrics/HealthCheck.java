package io.fleetckpt.metrics;

/**
 * One component's health, asked for on every {@code GET /health}. A check must bound its own
 * time (for example a Kafka request timeout): the endpoint waits for it.
 */
@FunctionalInterface
public interface HealthCheck {
    Result check() throws Exception;

    record Result(boolean up, String detail) {
        public static Result up(String detail) {
            return new Result(true, detail);
        }

        public static Result down(String detail) {
            return new Result(false, detail);
        }
    }
}
