package io.fleetckpt.kafka.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.storage.internals.checkpoint.CleanShutdownFileHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running in this JVM.
 *
 * <p>Used by {@code fleetckpt local} and by every test that needs Kafka. With a data directory the
 * broker keeps its topics and offsets across restarts (the quorum is static, so new ports on each
 * start are fine); without one it lives in a temp directory deleted on {@link #close()}.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final int START_ATTEMPTS = 5;

    static {
        KafkaQuiet.apply();
    }

    private final Path dir;
    private final boolean deleteOnClose;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private boolean closed;

    private EmbeddedKafka(Path dir, boolean deleteOnClose, KafkaRaftServer server, String bootstrapServers) {
        this.dir = dir;
        this.deleteOnClose = deleteOnClose;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker in a fresh temp directory that {@link #close()} deletes. */
    public static EmbeddedKafka startEphemeral() {
        return start(null, Map.of());
    }

    /**
     * Starts a broker.
     *
     * @param dataDir   persistent data directory (created and formatted on first use), or null for
     *                  a temp directory deleted on close
     * @param overrides broker settings applied over the defaults (e.g. {@code message.max.bytes})
     */
    public static EmbeddedKafka start(Path dataDir, Map<String, String> overrides) {
        KafkaExitGuard.install();
        Path dir;
        boolean ephemeral = dataDir == null;
        try {
            dir = ephemeral ? Files.createTempDirectory("fleetckpt-kafka-") : Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("cannot create the broker data directory " + dataDir + ": " + e.getMessage(), e);
        }
        try {
            return startIn(dir, ephemeral, overrides);
        } catch (RuntimeException e) {
            if (ephemeral) deleteQuietly(dir);
            throw e;
        }
    }

    private static EmbeddedKafka startIn(Path dir, boolean ephemeral, Map<String, String> overrides) {
        RuntimeException last = null;
        // Free ports are picked before the broker binds them: another process may take one in
        // between, so a bind failure is retried with new ports.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int brokerPort = freePort();
            int controllerPort = freePort();
            KafkaConfig config = KafkaConfig.fromProps(brokerProperties(dir, brokerPort, controllerPort, overrides), false);
            formatOnce(dir, config);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
                String bootstrap = "127.0.0.1:" + brokerPort;
                LOG.debug("embedded Kafka up at {} (data {})", bootstrap, dir);
                return new EmbeddedKafka(dir, ephemeral, server, bootstrap);
            } catch (RuntimeException e) {
                last = e;
                shutdownQuietly(server);
                if (!isBindFailure(e)) break;
                LOG.warn("embedded Kafka: port taken ({}), retrying with new ports", e.getMessage());
            }
        }
        throw new EmbeddedKafkaException("embedded Kafka failed to start in " + dir + ": " + describe(last), last);
    }

    static Properties brokerProperties(Path dir, int brokerPort, int controllerPort, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        for (String k : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
                "share.coordinator.state.topic.min.isr", "default.replication.factor", "min.insync.replicas")) {
            p.put(k, "1");
        }
        p.put("offsets.topic.num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default dedupe buffer takes 128 MiB of heap for a cleaner we barely use.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        // Topics are created by TopicSetup, which also waits for leaders (KAFKA-15591).
        p.put("auto.create.topics.enable", "false");
        p.putAll(overrides);
        return p;
    }

    private static void formatOnce(Path dir, KafkaConfig config) {
        if (Files.exists(dir.resolve("data").resolve("meta.properties"))) return;
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(dir.resolve("data").toString())
                    .run();
        } catch (Exception e) {
            throw new EmbeddedKafkaException("cannot format the broker storage in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the broker of {@code dataDir} (as given to {@link #start}) last stopped without its
     * clean shutdown, killed for instance: its controller still holds that run's registration, so
     * the next start waits until the session expires (broker.session.timeout.ms, 9 s) before the
     * new run may register, and recovers its logs. False for a directory never started.
     */
    public static boolean lastRunEndedUncleanly(Path dataDir) {
        Path logDir = dataDir.resolve("data");
        return Files.exists(logDir.resolve("meta.properties"))
                && !new CleanShutdownFileHandler(logDir.toString()).exists();
    }

    /** {@code host:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dir;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        shutdownQuietly(server);
        if (deleteOnClose) deleteQuietly(dir);
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("embedded Kafka shutdown: {}", e.toString());
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) return true;
            String m = t.getMessage();
            if (m != null && (m.contains("Address already in use") || m.contains("Socket server failed to bind"))) return true;
        }
        return false;
    }

    private static String describe(Throwable e) {
        if (e == null) return "unknown error";
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root == e ? e.toString() : e + " (cause: " + root + ")";
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
