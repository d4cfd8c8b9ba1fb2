package io.fleetckpt.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Opens an Admin client and waits, within a command's timeout, until a broker at the bootstrap
 * address answers. Without it a command pointed at the wrong address waited for the client's own
 * 60 s timeout (its close() waits for pending calls too, whatever timeout the command had),
 * and ended with "timed out" and a guess. Here it says once that it is waiting, and then either
 * goes on or fails with one line: the address, what was asked, and what a TCP connect found.
 */
public final class BrokerCheck {
    /** Without an answer after this long, the one progress line is printed. */
    static final Duration PROGRESS_AFTER = Duration.ofSeconds(1);
    private static final int PROBE_CONNECT_MS = 1000;

    private BrokerCheck() {
    }

    /**
     * An Admin client whose calls are bounded by {@code timeout}, once a broker has answered it.
     *
     * @param progress told once, in words, when the broker does not answer at once
     * @throws BrokerUnreachableException when none answered within {@code timeout}
     */
    public static Admin connect(KafkaClientConfig config, Duration timeout, Consumer<String> progress) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("the broker timeout must be positive");
        Admin admin;
        try {
            admin = Admin.create(config.admin(timeout));
        } catch (KafkaException e) {
            Throwable why = e.getCause() != null ? e.getCause() : e;
            throw new BrokerUnreachableException("cannot use the Kafka bootstrap address " + config.bootstrapServers()
                    + ": " + why.getMessage(), e);
        }
        try {
            await(admin, config.bootstrapServers(), timeout, progress);
            return admin;
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
    }

    private static void await(Admin admin, String bootstrap, Duration timeout, Consumer<String> progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        KafkaFuture<String> clusterId = admin.describeCluster().clusterId();
        try {
            try {
                clusterId.get(Math.min(PROGRESS_AFTER.toMillis(), timeout.toMillis()), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException notYet) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) throw notYet;
                progress.accept("waiting up to " + words(timeout) + " for a Kafka broker at " + bootstrap
                        + " (" + BootstrapProbe.describe(bootstrap, PROBE_CONNECT_MS) + ")");
                clusterId.get(left, TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            throw unreachable(bootstrap, timeout, e);
        } catch (ExecutionException e) {
            // the client's own deadline (set to ours) ends the call with its TimeoutException
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) throw unreachable(bootstrap, timeout, e.getCause());
            throw new BrokerUnreachableException("the Kafka broker at " + bootstrap + " refused the cluster metadata request: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnreachableException("interrupted waiting for a Kafka broker at " + bootstrap, e);
        }
    }

    private static BrokerUnreachableException unreachable(String bootstrap, Duration timeout, Throwable cause) {
        return new BrokerUnreachableException("cannot reach a Kafka broker at " + bootstrap + ": no answer to a cluster "
                + "metadata request in " + words(timeout) + "; " + BootstrapProbe.describe(bootstrap, PROBE_CONNECT_MS), cause);
    }

    /** "30 s", "1500 ms". */
    static String words(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
