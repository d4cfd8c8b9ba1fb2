package io.fleetckpt.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * Every fleetckpt meter, named once. Agent and aggregator code call the typed helpers below and
 * never build a meter name themselves, so the names in the Grafana dashboard, the docs and the
 * code cannot drift apart. Prometheus names are the dotted names with '_' and the unit suffix
 * (for example {@code fleetckpt_chunks_sent_total}, {@code fleetckpt_frozen_window_seconds}).
 *
 * <p>Thread-safe: meters are Micrometer's; the two gauges read a supplier that owners bind once.
 */
public final class FleetMetrics implements AutoCloseable {
    public static final String CAPTURES = "fleetckpt.captures";
    public static final String FROZEN_WINDOW = "fleetckpt.frozen.window";
    public static final String FDS_CAPTURED = "fleetckpt.fds.captured";
    public static final String CHUNKS_SENT = "fleetckpt.chunks.sent";
    public static final String CHUNKS_FAILED = "fleetckpt.chunks.failed";
    public static final String STREAMS_IN_FLIGHT = "fleetckpt.streams.in.flight";
    public static final String IMAGES_STORED = "fleetckpt.images.stored";
    public static final String CHECKPOINTS_FAILED = "fleetckpt.checkpoints.failed";
    public static final String DLQ_MESSAGES = "fleetckpt.dlq.messages";
    public static final String CONSUMER_LAG = "fleetckpt.consumer.lag";

    public static final String TAG_ROLE = "role";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_STATUS = "status";
    public static final String TAG_REASON = "reason";

    /** Tag values become Prometheus series: keep them to a small fixed vocabulary. */
    private static final Pattern TAG_VALUE = Pattern.compile("[a-z0-9_]{1,40}");
    private static final String OTHER = "other";

    /** A freeze is meant to last milliseconds; the top buckets show a stuck thaw. */
    private static final Duration[] FROZEN_WINDOW_BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30),
    };

    /** How one capture (one freeze-scan-thaw of the selected tasks) ended. */
    public enum CaptureOutcome { OK, PARTIAL, FAILED }

    /**
     * Which meters a process exposes: an agent's endpoint shows the capture and send meters, an
     * aggregator's the store, stream, DLQ and lag meters; {@code local} runs both in one JVM and
     * shows both. A role's endpoint never lists the other role's meters at zero, which would read
     * as "this aggregator sent no chunks" rather than "aggregators do not send chunks".
     */
    public enum Role {
        AGENT(true, false), AGGREGATOR(false, true), LOCAL(true, true);

        final boolean agent;
        final boolean aggregator;

        Role(boolean agent, boolean aggregator) {
            this.agent = agent;
            this.aggregator = aggregator;
        }

        /** agent, aggregator or local */
        public static Role of(String name) {
            for (Role r : values()) if (r.tag().equals(name)) return r;
            throw new IllegalArgumentException("unknown metrics role '" + name + "' (agent, aggregator or local)");
        }

        /** The value of the {@value #TAG_ROLE} tag on every meter. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Role role;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final Timer frozenWindow;
    private final Counter fdsCaptured;
    private final Counter chunksSent;
    private final Counter chunksFailed;
    private final Counter imagesStored;
    private volatile DoubleSupplier streamsInFlight = () -> 0;
    private volatile DoubleSupplier consumerLag = () -> 0;

    /** @param role agent, aggregator or local: see {@link Role} */
    public FleetMetrics(String role) {
        this(Role.of(role));
    }

    public FleetMetrics(Role role) {
        this.role = role;
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // the tag also lets one dashboard tell the processes apart
        registry.config().commonTags(TAG_ROLE, role.tag());
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);

        if (role.agent) {
            frozenWindow = Timer.builder(FROZEN_WINDOW)
                    .description("Time the selected tasks stayed frozen during one capture")
                    // fixed buckets: few series, and histogram_quantile can aggregate them across hosts
                    // (client-side percentiles cannot be, and the Prometheus registry drops them next to buckets)
                    .serviceLevelObjectives(FROZEN_WINDOW_BUCKETS)
                    .register(registry);
            fdsCaptured = Counter.builder(FDS_CAPTURED).description("File descriptors captured").register(registry);
            chunksSent = Counter.builder(CHUNKS_SENT).description("Record chunks acknowledged by Kafka").register(registry);
            chunksFailed = Counter.builder(CHUNKS_FAILED).description("Record chunks whose send failed").register(registry);
            for (CaptureOutcome o : CaptureOutcome.values()) captureCounter(o); // zero series exist before the first capture
        } else {
            frozenWindow = null;
            fdsCaptured = null;
            chunksSent = null;
            chunksFailed = null;
        }
        if (role.aggregator) {
            imagesStored = Counter.builder(IMAGES_STORED).description("Host images written to the store").register(registry);
            Gauge.builder(STREAMS_IN_FLIGHT, this, m -> m.streamsInFlight.getAsDouble())
                    .description("Host streams being reassembled (started, not yet complete or expired)")
                    .register(registry);
            Gauge.builder(CONSUMER_LAG, this, m -> m.consumerLag.getAsDouble())
                    .description("Records the aggregator's consumer is behind the log end, summed over partitions")
                    .baseUnit("records")
                    .register(registry);
        } else {
            imagesStored = null;
        }
    }

    public Role role() {
        return role;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    // ---- agent ----

    public void capture(CaptureOutcome outcome) {
        agentOnly(CAPTURES);
        captureCounter(outcome).increment();
    }

    public void frozenWindow(Duration frozen) {
        agentOnly(FROZEN_WINDOW);
        frozenWindow.record(frozen);
    }

    public void frozenWindowNanos(long nanos) {
        agentOnly(FROZEN_WINDOW);
        frozenWindow.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void fdsCaptured(long count) {
        agentOnly(FDS_CAPTURED);
        if (count > 0) fdsCaptured.increment(count);
    }

    public void chunkSent() {
        agentOnly(CHUNKS_SENT);
        chunksSent.increment();
    }

    public void chunkFailed() {
        agentOnly(CHUNKS_FAILED);
        chunksFailed.increment();
    }

    // ---- aggregator ----

    /** Binds the streams-in-flight gauge to its owner's live count; the last binding wins. */
    public void bindStreamsInFlight(DoubleSupplier source) {
        aggregatorOnly(STREAMS_IN_FLIGHT);
        streamsInFlight = Objects.requireNonNull(source);
    }

    /** Binds the consumer-lag gauge, e.g. to {@link ConsumerLag#of}; the last binding wins. */
    public void bindConsumerLag(DoubleSupplier source) {
        aggregatorOnly(CONSUMER_LAG);
        consumerLag = Objects.requireNonNull(source);
    }

    public void imageStored() {
        aggregatorOnly(IMAGES_STORED);
        imagesStored.increment();
    }

    /** @param status the checkpoint's final status (an enum, so the series stay few) */
    public void checkpointFailed(Enum<?> status) {
        aggregatorOnly(CHECKPOINTS_FAILED);
        checkpointsFailedCounter(status.name()).increment();
    }

    /** @param reason a short code from a fixed set (e.g. bad_header, oversize); others count as "other" */
    public void dlqMessage(String reason) {
        aggregatorOnly(DLQ_MESSAGES);
        dlqCounter(reason).increment();
    }

    /**
     * Creates the zero series of every final status a failed checkpoint can have. A labelled
     * counter otherwise appears only at its first increment, and until then dashboards show "no
     * data" and rate()/increase() alerts have nothing to evaluate.
     */
    public void declareCheckpointStatuses(Iterable<? extends Enum<?>> statuses) {
        aggregatorOnly(CHECKPOINTS_FAILED);
        for (Enum<?> s : statuses) checkpointsFailedCounter(s.name());
    }

    /** As {@link #declareCheckpointStatuses}, for the dead-letter reason codes. */
    public void declareDlqReasons(Iterable<String> reasons) {
        aggregatorOnly(DLQ_MESSAGES);
        for (String r : reasons) dlqCounter(r);
    }

    /** Counting a meter the role does not expose is a wiring mistake: say so rather than count into nothing. */
    private void agentOnly(String meter) {
        if (!role.agent) throw new IllegalStateException(meter + " is an agent meter; this registry is the " + role.tag() + "'s");
    }

    private void aggregatorOnly(String meter) {
        if (!role.aggregator) {
            throw new IllegalStateException(meter + " is an aggregator meter; this registry is the " + role.tag() + "'s");
        }
    }

    private Counter checkpointsFailedCounter(String status) {
        return Counter.builder(CHECKPOINTS_FAILED).description("Checkpoints that ended other than stored, by status")
                .tag(TAG_STATUS, tagValue(status)).register(registry);
    }

    private Counter dlqCounter(String reason) {
        return Counter.builder(DLQ_MESSAGES).description("Messages sent to the dead-letter topic, by reason")
                .tag(TAG_REASON, tagValue(reason)).register(registry);
    }

    private Counter captureCounter(CaptureOutcome outcome) {
        return Counter.builder(CAPTURES).description("Captures, by outcome")
                .tag(TAG_OUTCOME, tagValue(outcome.name())).register(registry);
    }

    static String tagValue(String raw) {
        if (raw == null) return OTHER;
        String v = raw.toLowerCase(Locale.ROOT).replace('-', '_');
        return TAG_VALUE.matcher(v).matches() ? v : OTHER;
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
