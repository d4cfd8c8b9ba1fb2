package io.fleetckpt.metrics;

import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Tells a long-running agent or aggregator's log when its Kafka brokers stop answering, how long
 * they have not, and when they answer again. The clients' own once-a-second connection warnings
 * are hidden (they flood a terminal while a command waits), so without this a daemon that lost
 * its cluster would say nothing at all: one line when it happens, a reminder every few minutes,
 * one line when it ends. It asks what {@code /health} asks ({@link StandardChecks#kafkaReachable}).
 */
public final class BrokerWatch implements AutoCloseable {
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(15);
    public static final Duration DEFAULT_REMIND = Duration.ofMinutes(5);
    private static final Duration PROBE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(BrokerWatch.class);

    /** One look at the cluster: null when a broker answered, else what went wrong. */
    @FunctionalInterface
    interface Probe {
        String problem() throws Exception;
    }

    private final String bootstrap;
    private final Probe probe;
    private final long remindNanos;
    private final LongSupplier nanoClock;
    private final Consumer<String> warn;
    private final Consumer<String> info;
    private final AutoCloseable resources;
    private boolean down;
    private long downSince;
    private long lastSaid;

    BrokerWatch(String bootstrap, Probe probe, Duration remind, LongSupplier nanoClock,
                Consumer<String> warn, Consumer<String> info, AutoCloseable resources) {
        this.bootstrap = bootstrap;
        this.probe = probe;
        this.remindNanos = remind.toNanos();
        this.nanoClock = nanoClock;
        this.warn = warn;
        this.info = info;
        this.resources = resources;
    }

    /** {@link #start(Properties, String, Duration, Consumer, Consumer)} into the log, every 15 s. */
    public static BrokerWatch start(Properties adminConfig, String bootstrap) {
        return start(adminConfig, bootstrap, DEFAULT_EVERY, LOG::warn, LOG::info);
    }

    /**
     * Watches the cluster from a daemon thread of its own, with an Admin client of its own (one
     * small metadata request per {@code every}).
     */
    public static BrokerWatch start(Properties adminConfig, String bootstrap, Duration every,
                                    Consumer<String> warn, Consumer<String> info) {
        Admin admin = Admin.create(adminConfig);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleetckpt-broker-watch");
            t.setDaemon(true);
            return t;
        });
        AutoCloseable resources = () -> {
            timer.shutdownNow();
            admin.close(Duration.ofSeconds(1));
        };
        HealthCheck reachable = StandardChecks.kafkaReachable(admin, PROBE);
        BrokerWatch w = new BrokerWatch(bootstrap, () -> {
            HealthCheck.Result r = reachable.check();
            return r.up() ? null : r.detail();
        }, DEFAULT_REMIND, System::nanoTime, warn, info, resources);
        timer.scheduleWithFixedDelay(w::tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return w;
    }

    /** One probe, and a line when the state changed or a reminder is due. */
    synchronized void tick() {
        String problem;
        try {
            problem = probe.problem();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            problem = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        long now = nanoClock.getAsLong();
        if (problem == null) {
            if (down) info.accept("Kafka broker at " + bootstrap + " answers again, after " + seconds(now - downSince) + " without");
            down = false;
        } else if (!down) {
            down = true;
            downSince = now;
            lastSaid = now;
            warn.accept("Kafka broker at " + bootstrap + " does not answer: " + problem + " (work waits until it does)");
        } else if (now - lastSaid >= remindNanos) {
            lastSaid = now;
            warn.accept("Kafka broker at " + bootstrap + " still does not answer, for " + seconds(now - downSince) + ": " + problem);
        }
    }

    private static String seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos) + " s";
    }

    @Override
    public void close() throws Exception {
        resources.close();
    }
}
