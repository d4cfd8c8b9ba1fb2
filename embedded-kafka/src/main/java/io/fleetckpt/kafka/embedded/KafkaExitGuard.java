package io.fleetckpt.kafka.embedded;

import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the in-process broker from killing our JVM: Kafka calls {@code Exit.exit/halt} on fatal
 * storage or controller errors, which would take the CLI (or the test run) down without a word.
 * With the guard the broker's thread gets an exception instead and the error is logged.
 */
final class KafkaExitGuard {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaExitGuard.class);
    private static boolean installed;

    private KafkaExitGuard() {
    }

    static synchronized void install() {
        if (installed) return;
        installed = true;
        Exit.setExitProcedure((code, msg) -> refuse("exit", code, msg));
        Exit.setHaltProcedure((code, msg) -> refuse("halt", code, msg));
    }

    private static void refuse(String what, int code, String msg) {
        LOG.error("embedded Kafka asked to {} the JVM with status {}: {}", what, code, msg);
        throw new IllegalStateException("embedded Kafka requested " + what + "(" + code + "): " + msg);
    }
}
