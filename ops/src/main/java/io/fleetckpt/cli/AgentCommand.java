package io.fleetckpt.cli;

import io.fleetckpt.agent.daemon.AgentRuntime;
import io.fleetckpt.agent.daemon.CheckpointRunner;
import io.fleetckpt.agent.daemon.LocalHostCapturer;
import io.fleetckpt.cli.kafka.AgentOutput;
import io.fleetckpt.cli.kafka.BrokerTimeoutOption;
import io.fleetckpt.cli.kafka.KafkaOptions;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.kafka.MissingTopicsException;
import io.fleetckpt.kafka.TopicSetup;
import io.fleetckpt.messages.codec.MessageIds;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code fleetckpt agent}: the per-host daemon. Reads checkpoint requests from the control topic,
 * captures what a request selects on this host, publishes the host stream to the records topic.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the checkpoint agent of this host: consume requests from the control topic, "
                + "capture the selected processes (frozen), publish their fd tables to the records topic.",
                "Stops on SIGINT/SIGTERM. `agent capture` does one capture without a request."},
        subcommands = AgentCaptureCommand.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"143:stopped by SIGTERM after a clean stop (130: SIGINT; the JVM exits with 128 + the signal)", "2:usage error, topics missing or broker unreachable"})
public final class AgentCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    BrokerTimeoutOption brokerTimeout;

    @Mixin
    MetricsOptions metricsOptions;

    @Option(names = "--host-id", paramLabel = "ID", description = "This host's id in requests (default: the hostname).")
    String hostId;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/run/fleetckpt",
            description = "Where the freezer records what to thaw if the agent dies (default ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--threads", paramLabel = "N", converter = io.fleetckpt.cli.kafka.Bounded.PositiveInt.class, description = "Threads for the per-fd capture work (default: all cores).")
    Integer threads;

    @Option(names = "--json", description = "One JSON object per handled request on stdout.")
    boolean json;

    @Option(names = "--max-frozen", paramLabel = "DURATION", defaultValue = "30s", converter = io.fleetckpt.cli.kafka.DurationConverter.class,
            description = "Bound on the frozen window: past it the tasks are thawed anyway and the unfinished ones fail;"
                    + " a call stuck for a quarter of it fails its task at once (default ${DEFAULT-VALUE}).")
    Duration maxFrozen;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String host = validId("--host-id", resolveHostId(hostId));
        try (LocalHostCapturer capturer = capturer()) {
            // before anything that can wait or fail (the broker): tasks a killed agent left frozen
            // must not stay frozen until the broker is back and the next request arrives
            recoverLeftovers(capturer, spec.commandLine().getErr());
            awaitTopics(kafka, brokerTimeout.get(spec), spec);
            return run(host, capturer);
        }
    }

    private int run(String host, LocalHostCapturer capturer) throws Exception {
        AgentOutput out = new AgentOutput(spec.commandLine().getOut(), json);
        try (io.fleetckpt.metrics.BrokerWatch watch = io.fleetckpt.metrics.BrokerWatch.start(kafka.clientConfig().admin(), kafka.clientConfig().bootstrapServers());
             MetricsEndpoint metrics = metricsOptions.open("agent").checkKafka(kafka.clientConfig());
             // a static member under its host id: after kill -9 the restarted agent gets the
             // control partition at once instead of after the dead member's 45 s session timeout
             AgentRuntime agent = new AgentRuntime(kafka.clientConfig().withStaticMembership(host), kafka.topics(), kafka.budget(), host, capturer,
                     FormatOptions.DEFAULT, metrics.metrics())) {
            metrics.checkPolling(agent.daemon()::lastPollMs, MetricsEndpoint.MAX_POLL_GAP).start();
            agent.daemon().onOutcome(out::outcome);
            Thread hook = new Thread(agent::close, "fleetckpt-agent-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine().getErr().println("fleetckpt agent: host " + host + ", run " + agent.agentRunId()
                    + ", listening on " + kafka.topics().control());
            agent.runDaemon();
        }
        return 0;
    }

    /** The capture stage as the options configure it (shared with {@code agent capture}). */
    LocalHostCapturer capturer() {
        return new LocalHostCapturer(stateDir, threadCount(threads), maxFrozen);
    }

    /** Thaws what a dead agent left frozen, saying what it did on {@code err}. */
    static void recoverLeftovers(LocalHostCapturer capturer, java.io.PrintWriter err) {
        for (String line : capturer.recoverLeftovers()) err.println("fleetckpt agent: " + line);
        err.flush();
    }

    static String resolveHostId(String given) {
        if (given != null && !given.isBlank()) return given;
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot determine the hostname; pass --host-id");
        }
    }

    /**
     * Refuses an id the aggregator would dead-letter, before any process is frozen for it.
     *
     * @param option the option the id came from, to name it in the error
     */
    static String validId(String option, String id) {
        String problem = MessageIds.problem(option, id);
        if (problem != null) throw new IllegalArgumentException(problem);
        return id;
    }

    static int threadCount(Integer threads) {
        return threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
    }

    /**
     * Waits up to {@code timeout} for the broker, then fails fast with a clear message when the
     * topics were never created (we never auto-create).
     */
    static void awaitTopics(KafkaOptions kafka, Duration timeout, CommandSpec spec) {
        awaitTopics(kafka, timeout, spec, admin -> { });
    }

    /** As above, then {@code then} with the same Admin client (one connection for both). */
    static void awaitTopics(KafkaOptions kafka, Duration timeout, CommandSpec spec, java.util.function.Consumer<Admin> then) {
        try (Admin admin = kafka.connect(timeout, spec)) {
            new TopicSetup(admin).requireTopics(kafka.topics().all(), timeout);
            then.accept(admin);
        } catch (MissingTopicsException e) {
            throw new IllegalStateException(e.getMessage() + " (create them with `" + kafka.createTopicsCommand() + "`)", e);
        }
    }

    /** The outcome line shared by the daemon and one-shot mode. */
    static boolean report(AgentOutput out, CheckpointRunner.Outcome o) {
        out.outcome(o);
        return o.ok();
    }
}
