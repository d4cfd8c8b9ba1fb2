package io.fleetckpt.cli.kafka;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.time.Duration;

/** How long a command waits for a broker at the bootstrap address to answer (a picocli mixin). */
public final class BrokerTimeoutOption {
    @Option(names = "--broker-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Give up when no Kafka broker at the bootstrap address answers within this (default ${DEFAULT-VALUE}).")
    Duration timeout;

    /** The timeout (positive: the converter refuses others while parsing). */
    public Duration get(CommandSpec spec) {
        return timeout;
    }
}
