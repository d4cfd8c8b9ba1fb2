package io.fleetckpt.cli;

import io.fleetckpt.agent.daemon.AgentDaemon;
import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agents are static members of their host's group under their host id, aggregators under
 * {@code --instance-id}: what a process killed with -9 held is taken over by its successor at
 * once, not after the dead member's session timeout, and a second live agent of one host is
 * told apart from a restart.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class StaticMembershipTest {
    private static final String PREFIX = "static.";

    @Test
    void aKilledAgentsSuccessorTakesItsMembershipAndASecondLiveAgentStopsTheFirst(@KafkaBootstrap String bootstrap, @TempDir Path tmp)
            throws Exception {
        PipelineCommandsTest.Run topics = PipelineCommandsTest.run("topics", "create", "--bootstrap-server", bootstrap, "--topic-prefix", PREFIX);
        assertEquals(0, topics.exit(), topics.err());
        String group = AgentDaemon.groupId("sm-h1");
        Process first = start(tmp, "first", bootstrap, "agent", "--host-id", "sm-h1", "--state-dir", tmp.resolve("s1").toString());
        Process second = null;
        Process third = null;
        try {
            assertEquals(List.of(Optional.of("sm-h1")), membersOnceStable(bootstrap, group), "the agent under its host id");
            first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            second = start(tmp, "second", bootstrap, "agent", "--host-id", "sm-h1", "--state-dir", tmp.resolve("s2").toString());
            // a dynamic successor would be a second member, the dead one staying until its session times out
            assertEquals(List.of(Optional.of("sm-h1")), membersOnceStable(bootstrap, group), "the successor took the dead agent's place");

            // a request names which of its hosts has no agent running, at once
            CliRun ck = CliRun.of("checkpoint", "--host", "sm-h1", "--host", "sm-nobody", "--pid", "999999",
                    "--bootstrap-server", bootstrap, "--topic-prefix", PREFIX);
            assertEquals(0, ck.code(), ck.err());
            assertEquals(List.of("fleetckpt checkpoint: warning: no agent of host sm-nobody is running (group "
                    + AgentDaemon.groupId("sm-nobody") + " has no member); the request waits for one until its deadline"),
                    ck.err().lines().filter(l -> l.contains("warning")).toList(), ck.err());

            third = start(tmp, "third", bootstrap, "agent", "--host-id", "sm-h1", "--state-dir", tmp.resolve("s3").toString());
            // whichever joined last holds the membership; the other is fenced and stops, saying why
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (second.isAlive() && third.isAlive() && System.nanoTime() < until) Thread.sleep(100);
            Process stopped = second.isAlive() ? third : second;
            Process running = stopped == second ? third : second;
            String log = Files.readString(tmp.resolve((stopped == second ? "second" : "third") + ".log"));
            assertTrue(stopped.waitFor(1, TimeUnit.SECONDS), "one of two live agents of a host stops: " + log);
            assertEquals(2, stopped.exitValue(), log);
            assertTrue(log.contains("another agent with host id sm-h1 joined group " + group + ": this one stops"), log);
            assertTrue(running.isAlive(), "the other goes on");
        } finally {
            for (Process p : new Process[] {first, second, third}) if (p != null) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAggregatorWithAnInstanceIdIsAStaticMember(@KafkaBootstrap String bootstrap, @TempDir Path tmp) throws Exception {
        Process agg = start(tmp, "agg", bootstrap, "aggregator", "--group", "sm-aggregators", "--instance-id", "agg-7",
                "--store", tmp.resolve("store").toString());
        try {
            assertEquals(List.of(Optional.of("agg-7")), membersOnceStable(bootstrap, "sm-aggregators"));
        } finally {
            agg.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        CliRun bad = CliRun.of("aggregator", "--instance-id", "no spaces", "--bootstrap-server", bootstrap, "--store", tmp.resolve("s").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().startsWith("fleetckpt aggregator: error: --instance-id 'no spaces': 1 to 249 of A-Z a-z 0-9 . _ -"), bad.err());
    }

    private static Process start(Path tmp, String name, String bootstrap, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--bootstrap-server", bootstrap, "--topic-prefix", PREFIX));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile()).start();
    }

    /** The group's members' instance ids once it is Stable with exactly one member (within 40 s, less than a session timeout). */
    private static List<Optional<String>> membersOnceStable(String bootstrap, String group) throws Exception {
        List<Optional<String>> ids = List.of();
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (System.nanoTime() < end) {
                org.apache.kafka.clients.admin.ConsumerGroupDescription d;
                try {
                    d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) throw e;
                    Thread.sleep(200);
                    continue; // nobody joined yet
                }
                ids = d.members().stream().map(MemberDescription::groupInstanceId).toList();
                if ("STABLE".equals(d.groupState().name()) && ids.size() == 1) return ids;
                Thread.sleep(200);
            }
        }
        return ids;
    }
}
