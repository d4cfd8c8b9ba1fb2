package io.fleetckpt.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the pipeline's topics (never rely on auto-create) and waits until every partition has a
 * leader that serves it. The wait is not cosmetic: with Kafka 4.4 an idempotent producer that
 * writes to a partition right after its creation can silently lose its first batch
 * (KAFKA-15591, fixed in 4.5); a successful listOffsets from every partition's leader closes
 * that window (pipeline.md §1.5).
 */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final long PROBE_PAUSE_MS = 50;

    private final Admin admin;

    public TopicSetup(Admin admin) {
        this.admin = admin;
    }

    /** The topics to create for a layout, with their configs. */
    public static List<NewTopic> plan(TopicNames names, TopicLayout layout) {
        String maxMessage = Integer.toString(layout.budget().maxMessageBytes() + 64 * 1024);
        short rf = layout.replicationFactor();
        String minIsr = Integer.toString(Math.max(1, Math.min(2, rf - 1)));
        Map<String, String> common = Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessage,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr);
        Map<String, String> compacted = new HashMap<>(common);
        compacted.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        return List.of(
                new NewTopic(names.control(), 1, rf).configs(common),
                new NewTopic(names.records(), layout.partitions(), rf).configs(common),
                new NewTopic(names.images(), layout.partitions(), rf).configs(compacted),
                new NewTopic(names.dlq(), 1, rf).configs(common));
    }

    /**
     * Creates whichever of the topics do not exist yet, then waits for all of them to be ready.
     *
     * @return the names of the topics this call created
     */
    public List<String> ensureTopics(TopicNames names, TopicLayout layout, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> created = new ArrayList<>();
        for (NewTopic t : plan(names, layout)) {
            try {
                admin.createTopics(List.of(t)).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                created.add(t.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new TopicSetupException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new TopicSetupException("timed out creating topic " + t.name() + " (is the broker at the bootstrap address up?)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicSetupException("interrupted creating topic " + t.name(), e);
            }
        }
        awaitReady(names.all(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (!created.isEmpty()) LOG.info("created topics {}", created);
        return created;
    }

    /** How an existing topic differs from what the layout asks for. */
    public record Difference(String topic, String setting, String found, String wanted) {
        @Override
        public String toString() {
            return topic + ": " + setting + " is " + found + ", not " + wanted;
        }
    }

    /**
     * What an existing topic has that the layout would not have given it. A larger
     * max.message.bytes is no difference: it refuses nothing the budget sends. Topics are never
     * altered here: more partitions would move keys mid-stream, and a new replication factor
     * needs a reassignment plan only an operator can make.
     */
    public List<Difference> differences(TopicNames names, TopicLayout layout, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<NewTopic> plan = plan(names, layout);
        List<String> topics = plan.stream().map(NewTopic::name).toList();
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<String, TopicDescription> described;
        Map<ConfigResource, Config> configs;
        try {
            described = admin.describeTopics(topics).allTopicNames().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            configs = admin.describeConfigs(resources).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TopicSetupException("cannot describe topics " + topics + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TopicSetupException("timed out describing topics " + topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted describing topics", e);
        }
        List<Difference> out = new ArrayList<>();
        for (NewTopic want : plan) {
            TopicDescription d = described.get(want.name());
            int partitions = d.partitions().size();
            if (partitions != want.numPartitions()) {
                out.add(new Difference(want.name(), "partitions", Integer.toString(partitions), Integer.toString(want.numPartitions())));
            }
            int rf = d.partitions().get(0).replicas().size();
            if (rf != want.replicationFactor()) {
                out.add(new Difference(want.name(), "replication factor", Integer.toString(rf), Short.toString(want.replicationFactor())));
            }
            Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, want.name()));
            String wantedMax = want.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            String max = value(c, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (max != null && Long.parseLong(max) < Long.parseLong(wantedMax)) {
                out.add(new Difference(want.name(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, max, "at least " + wantedMax + " (--chunk-bytes)"));
            }
            String wantedPolicy = want.configs().getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            String policy = value(c, TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy != null && !policy.equals(wantedPolicy)) {
                out.add(new Difference(want.name(), TopicConfig.CLEANUP_POLICY_CONFIG, policy, wantedPolicy));
            }
        }
        return out;
    }

    private static String value(Config c, String name) {
        ConfigEntry e = c == null ? null : c.get(name);
        return e == null ? null : e.value();
    }

    /**
     * Waits until every partition of the topics has a leader that answers listOffsets (only the
     * leader serves it), retrying transient errors until the timeout.
     */
    public void awaitReady(Collection<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames()
                        .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                Map<TopicPartition, OffsetSpec> probe = new LinkedHashMap<>();
                d.values().forEach(td -> td.partitions().forEach(p -> probe.put(new TopicPartition(td.name(), p.partition()), OffsetSpec.latest())));
                ListOffsetsResult r = admin.listOffsets(probe);
                r.all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                last = e.getCause();
            } catch (TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicSetupException("interrupted waiting for topic leaders", e);
            }
            if (System.nanoTime() >= deadline) {
                throw new TopicSetupException("topics " + topics + " not ready within " + timeout.toMillis()
                        + " ms (a partition has no leader yet): " + (last == null ? "timeout" : last.getMessage()), last);
            }
            sleep();
        }
    }

    /**
     * For clients (agents, the aggregator): fails at once, naming them, if some topics do not
     * exist (they are never auto-created), else waits until they are ready.
     *
     * @throws MissingTopicsException when some do not exist
     */
    public void requireTopics(Collection<String> topics, Duration timeout) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TopicSetupException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TopicSetupException("timed out listing topics (is the broker at the bootstrap address up?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted listing topics", e);
        }
        List<String> missing = topics.stream().filter(t -> !existing.contains(t)).toList();
        if (!missing.isEmpty()) throw new MissingTopicsException(missing);
        awaitReady(topics, timeout);
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static void sleep() {
        try {
            Thread.sleep(PROBE_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted waiting for topic leaders", e);
        }
    }
}
