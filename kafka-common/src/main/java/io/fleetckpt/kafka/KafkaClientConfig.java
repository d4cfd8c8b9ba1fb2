package io.fleetckpt.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Connection settings shared by every Kafka client of fleetckpt: the bootstrap servers plus any
 * client setting the site needs (TLS, SASL, timeouts), passed through unchanged.
 *
 * <p>Sources, later wins: a properties file ({@code --kafka-config} or
 * {@code FLEETCKPT_CLIENT_PROPERTIES}), environment variables {@code FLEETCKPT_KAFKA_<SETTING>}
 * (upper case, dots as underscores: {@code FLEETCKPT_KAFKA_SECURITY_PROTOCOL=SSL} sets
 * {@code security.protocol}), {@code FLEETCKPT_BOOTSTRAP_SERVERS}, then the command line.
 * The pass-through settings are applied over our producer/consumer defaults, so a site can tune
 * anything but what correctness rests on: acks, idempotence and auto-commit are refused when set
 * otherwise, max.request.size below the chunk budget too, and the key/value (de)serializers are
 * always ours.
 */
public final class KafkaClientConfig {
    public static final String ENV_BOOTSTRAP = "FLEETCKPT_BOOTSTRAP_SERVERS";
    public static final String ENV_PROPERTIES_FILE = "FLEETCKPT_CLIENT_PROPERTIES";
    public static final String ENV_SETTING_PREFIX = "FLEETCKPT_KAFKA_";

    private final Map<String, String> settings;
    /** group.instance.id of the consumers that join a group, or null (dynamic members). */
    private final String groupInstanceId;

    private KafkaClientConfig(Map<String, String> settings) {
        this(settings, null);
    }

    private KafkaClientConfig(Map<String, String> settings, String groupInstanceId) {
        if (!settings.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("no Kafka bootstrap servers: use --bootstrap-server, "
                    + ENV_BOOTSTRAP + " or bootstrap.servers in the client properties file");
        }
        refuseUnsafe(settings);
        this.settings = Map.copyOf(settings);
        this.groupInstanceId = groupInstanceId;
    }

    /**
     * Settings that a site may not change, each with the only values fleetckpt accepts and why.
     * They are refused rather than quietly replaced: a site that wrote {@code acks=1} believes its
     * records are less durable than ours would be, and should learn at once that they are not.
     */
    private static final Map<String, Guard> GUARDED = Map.of(
            ProducerConfig.ACKS_CONFIG, new Guard("all", "-1",
                    "a host stream's chunks must be on every in-sync replica before the agent reports them sent"),
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, new Guard("true", "true",
                    "a retried chunk must not be written twice or out of order"),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, new Guard("false", "false",
                    "the aggregator commits only offsets whose images are durably stored"));

    private record Guard(String value, String alias, String why) {
        boolean allows(String v) {
            String t = v.trim().toLowerCase(Locale.ROOT);
            return t.equals(value) || t.equals(alias);
        }
    }

    private static void refuseUnsafe(Map<String, String> settings) {
        GUARDED.forEach((key, guard) -> {
            String v = settings.get(key);
            if (v != null && !guard.allows(v)) {
                throw new IllegalArgumentException("Kafka client setting " + key + "=" + v + " is refused: fleetckpt needs "
                        + key + "=" + guard.value() + " (" + guard.why() + "); remove it from the client properties file or "
                        + ENV_SETTING_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_'));
            }
        });
        String size = settings.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (size != null) {
            try {
                Integer.parseInt(size.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Kafka client setting " + ProducerConfig.MAX_REQUEST_SIZE_CONFIG + "=" + size
                        + " is not an integer");
            }
        }
    }

    /** Just a bootstrap address, nothing else (tests, the embedded broker). */
    public static KafkaClientConfig of(String bootstrapServers) {
        return new KafkaClientConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Resolves the settings from all sources.
     *
     * @param bootstrapServers from the command line, or null
     * @param propertiesFile   from the command line, or null
     * @param env              the process environment
     */
    public static KafkaClientConfig resolve(String bootstrapServers, Path propertiesFile, Map<String, String> env) {
        Map<String, String> s = new TreeMap<>();
        Path file = propertiesFile != null ? propertiesFile
                : env.containsKey(ENV_PROPERTIES_FILE) ? Path.of(env.get(ENV_PROPERTIES_FILE)) : null;
        if (file != null) s.putAll(readProperties(file));
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_SETTING_PREFIX) && k.length() > ENV_SETTING_PREFIX.length()) {
                s.put(k.substring(ENV_SETTING_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        if (env.get(ENV_BOOTSTRAP) != null && !env.get(ENV_BOOTSTRAP).isBlank()) {
            s.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, env.get(ENV_BOOTSTRAP));
        }
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            s.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        return new KafkaClientConfig(s);
    }

    private static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read Kafka client properties " + file + ": no such file", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IllegalArgumentException("cannot read Kafka client properties " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read Kafka client properties " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    public String bootstrapServers() {
        return settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** A copy with one more setting (tests, per-client tuning). */
    public KafkaClientConfig with(String key, String value) {
        Map<String, String> s = new TreeMap<>(settings);
        s.put(key, value);
        return new KafkaClientConfig(s, groupInstanceId);
    }

    /**
     * A copy whose group consumers are static members with this {@code group.instance.id}
     * (consumers without a group, producers and Admin clients are not given it: it is not theirs).
     * For a process that is the only member of its groups and may be killed ({@code local}): the
     * next run takes over the dead one's membership at once instead of waiting for its session
     * to time out (session.timeout.ms, 45 s) before the group rebalances.
     */
    public KafkaClientConfig withStaticMembership(String instanceId) {
        return new KafkaClientConfig(settings, instanceId);
    }

    /** Settings for an Admin client. */
    public Properties admin() {
        Properties p = new Properties();
        p.putAll(settings);
        return p;
    }

    /**
     * Settings for an Admin client whose calls give up after {@code timeout}: by default they
     * retry for default.api.timeout.ms (60 s) and close() waits for them, so a command's own
     * timeout would not bound it. Site settings still win.
     */
    public Properties admin(Duration timeout) {
        Properties p = admin();
        long ms = Math.max(1, timeout.toMillis());
        p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(ms, 30_000)));
        // the client refuses an API timeout below the request timeout a site may have set
        long request = ms;
        try {
            request = Long.parseLong(p.getProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG).strip());
        } catch (NumberFormatException e) {
            // the client names the bad value itself
        }
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(Math.max(ms, request)));
        return p;
    }

    /**
     * An idempotent producer of byte-array values with String keys (the checkpoint id), tuned
     * for chunks of the given budget.
     */
    public Properties producer(String clientId, ChunkBudget budget) {
        Properties p = new Properties();
        p.putAll(ProducerDefaults.settings(budget));
        p.putAll(settings);
        int needed = budget.maxMessageBytes();
        String size = settings.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (size != null && Integer.parseInt(size.trim()) < needed) {
            // every chunk up to the budget must be sendable, or each larger one fails the stream
            throw new IllegalArgumentException("Kafka client setting " + ProducerConfig.MAX_REQUEST_SIZE_CONFIG + "=" + size.trim()
                    + " is below the chunk budget's " + needed + " bytes: raise it or lower --chunk-bytes");
        }
        // the site's client.id (quotas, ACL audit logs) wins; ours only names the role when it sets none
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * A consumer of byte-array values with String keys; offsets are committed by the caller
     * (auto-commit off), reading from the earliest offset when the group has none.
     */
    public Properties consumer(String groupId, ChunkBudget budget) {
        return consumer(groupId, budget, 1 << 20);
    }

    /**
     * As {@link #consumer}, for a reader that works through a backlog of whole chunks (the
     * aggregator): up to {@value #BACKLOG_FETCH_BYTES} bytes per partition per fetch, so one round
     * trip brings dozens of chunks instead of a few (measured: about 30% less CPU per byte read).
     * Buffered fetch data stays bounded by fetch.max.bytes. Site settings still win.
     */
    public Properties backlogConsumer(String groupId, ChunkBudget budget) {
        return consumer(groupId, budget, BACKLOG_FETCH_BYTES);
    }

    public static final int BACKLOG_FETCH_BYTES = 8 << 20;

    private Properties consumer(String groupId, ChunkBudget budget, int partitionFetchBytes) {
        Properties p = new Properties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // our topics are created at setup with their configs, never by a metadata request (a broker
        // with auto.create.topics.enable would make a missing one with its defaults)
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // one whole chunk must always fit in a fetch, whatever the partition
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                Integer.toString(Math.max(budget.maxMessageBytes() * 2, partitionFetchBytes)));
        p.putAll(settings);
        if (groupId != null) p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        if (groupId != null && groupInstanceId != null) p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    @Override
    public String toString() {
        // never print values: the pass-through may hold passwords (sasl.jaas.config, ssl.*.password)
        return "KafkaClientConfig" + settings.keySet() + " bootstrap=" + bootstrapServers();
    }
}
