package io.fleetckpt.cli;

import picocli.CommandLine.Option;

/**
 * {@code --metrics-port} and {@code --metrics-host} of the long-running commands (agent,
 * aggregator, local): a picocli mixin, so the options read the same everywhere and, like every
 * option, also come from FLEETCKPT_METRICS_PORT / FLEETCKPT_METRICS_HOST.
 */
public final class MetricsOptions {
    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
            description = "Serve Prometheus /metrics and JSON /health on this port (default ${DEFAULT-VALUE}: off).")
    int port;

    @Option(names = "--metrics-host", paramLabel = "ADDR", defaultValue = "0.0.0.0",
            description = "Address the metrics endpoint binds (default ${DEFAULT-VALUE}).")
    String host;

    /** The meters of one process in the given role; served once {@link MetricsEndpoint#start()} is called. */
    public MetricsEndpoint open(String role) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--metrics-port " + port + " is not a port (0..65535, 0 = off)");
        }
        return new MetricsEndpoint(role, host, port);
    }
}
