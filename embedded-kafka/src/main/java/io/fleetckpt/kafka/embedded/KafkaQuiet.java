package io.fleetckpt.kafka.embedded;

import java.util.List;

/**
 * Turns the broker's loggers down to WARN when slf4j-simple is the binding: at INFO a single
 * start/stop prints thousands of lines (config dumps). slf4j-simple reads a logger's level from
 * system properties when the logger is created, so this must run before the broker starts;
 * levels set explicitly by the user (-D or simplelogger.properties keys) are left alone.
 */
final class KafkaQuiet {
    private KafkaQuiet() {
    }

    static void apply() {
        for (String logger : List.of("kafka", "org.apache.kafka", "state.change.logger", "org.apache.zookeeper")) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) System.setProperty(key, "warn");
        }
    }
}
