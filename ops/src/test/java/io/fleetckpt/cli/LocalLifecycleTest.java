package io.fleetckpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetckpt.kafka.embedded.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetckpt local} as a real process, stopped by signals: Ctrl-C as a terminal sends it
 * (SIGINT to the whole foreground process group), SIGTERM to the JVM alone. Whatever local
 * started must be gone afterwards and the broker shut down cleanly; a second local on the same
 * --data is refused without touching the first.
 */
class LocalLifecycleTest {
    private static final Pattern SAMPLE_ROOT = Pattern.compile("checkpointing tree \\[(\\d+)] \\(sample: ");

    @Test
    void ctrlCToTheProcessGroupBeforeTheCheckpointEndsTheSampleTreeAndClosesTheBroker(@TempDir Path tmp) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "local freezes processes: needs root");
        Path data = tmp.resolve("data");
        try (LocalProcess local = LocalProcess.start(data, tmp.resolve("local.log"))) {
            String line = local.awaitLine("checkpointing tree [");
            Sample sample = local.sample(line);
            // the terminal signals the group local leads, which the sample must not be part of
            local.signalGroup("INT");
            assertEquals(130, local.awaitExit(), local.log());
            sample.assertGone(local.log());
            assertTrue(local.log().contains("stopped: the broker, aggregator, agent and sample tree are closed"), local.log());
            assertFalse(EmbeddedKafka.lastRunEndedUncleanly(data.resolve("kafka")),
                    "the broker's clean shutdown (a killed one makes the next start wait ~10 s)");
        }
    }

    @Test
    void aSecondLocalOnTheSameDataIsRefusedAndSigtermStopsKeepRunning(@TempDir Path tmp) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "local freezes processes: needs root");
        Path data = tmp.resolve("data");
        try (LocalProcess local = LocalProcess.start(data, tmp.resolve("local.log"), "--keep-running")) {
            String running = local.awaitLine("running until interrupted");
            Sample sample = local.sample(local.log());

            CliRun second = CliRun.of("local", "--data", data.toString());
            assertEquals(2, second.code(), second.err());
            assertEquals("fleetckpt local: error: another fleetckpt local is using " + data.toRealPath() + " (pid "
                    + local.pid() + "); stop it or pass --data OTHER_DIR", second.err().strip());

            // the first one was not touched: its broker, agent and aggregator store another checkpoint
            String bootstrap = running.replaceAll(".*broker at (\\S+);.*", "$1");
            CliRun more = CliRun.of("checkpoint", "--bootstrap-server", bootstrap, "--host", LocalHostId.get(),
                    "--tree", Long.toString(sample.root), "--wait");
            assertEquals(0, more.code(), more.out() + more.err() + local.log());
            assertLocalIsTheStaticMemberOfItsGroups(bootstrap);

            Runtime.getRuntime().exec(new String[] {"kill", "-TERM", Long.toString(local.pid())}).waitFor();
            assertEquals(143, local.awaitExit(), local.log());
            sample.assertGone(local.log());
            assertFalse(EmbeddedKafka.lastRunEndedUncleanly(data.resolve("kafka")), "clean broker shutdown");
        }
        try (DataDirLock free = DataDirLock.acquire(data)) {
            // released with the process
        }
    }

    @Test
    void aKilledLocalTakesItsSampleTreeAlongAndTheNextOneSaysWhatItsBrokerWaitsFor(@TempDir Path tmp) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "local freezes processes: needs root");
        Path data = tmp.resolve("data");
        try (LocalProcess local = LocalProcess.start(data, tmp.resolve("local.log"), "--keep-running")) {
            local.awaitLine("running until interrupted");
            Sample sample = local.sample(local.log());
            Runtime.getRuntime().exec(new String[] {"kill", "-KILL", Long.toString(local.pid())}).waitFor();
            assertEquals(137, local.awaitExit());
            // no hook runs: the shell's parent-death signal ends the tree (bounded wait, not a timing assertion)
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (sample.anyAlive() && System.nanoTime() < until) Thread.sleep(50);
            assertFalse(sample.anyAlive(), "the sample tree outlived a killed local");
        }
        assertTrue(EmbeddedKafka.lastRunEndedUncleanly(data.resolve("kafka")));
        CliRun next = CliRun.of("local", "--data", data.toString());
        assertEquals(0, next.code(), next.err());
        assertTrue(next.err().contains("the broker's last run did not shut down cleanly (killed?): it recovers its logs "
                + "and waits about 10 s for that run's registration to expire"), next.err());
        assertFalse(EmbeddedKafka.lastRunEndedUncleanly(data.resolve("kafka")));
    }

    /**
     * Each of local's two groups has one member, local's, under its fixed instance id: a killed
     * local's successor then takes over these memberships at once (measured: its image was stored
     * after 14 s instead of 60 s, the dynamic members' 45 s session timeout being the difference).
     */
    private static void assertLocalIsTheStaticMemberOfItsGroups(String bootstrap) throws Exception {
        String agentGroup = io.fleetckpt.agent.daemon.AgentDaemon.groupId(LocalHostId.get());
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(List.of(agentGroup, LocalCommand.AGGREGATOR_GROUP))
                    .all().get(30, TimeUnit.SECONDS);
            for (String g : List.of(agentGroup, LocalCommand.AGGREGATOR_GROUP)) {
                assertEquals(List.of(Optional.of(LocalCommand.GROUP_INSTANCE_ID)),
                        groups.get(g).members().stream().map(MemberDescription::groupInstanceId).toList(), g);
            }
        }
    }

    /** The sample tree as it was while local ran: its processes and its directory. */
    private record Sample(long root, List<ProcessHandle> members, Path dir) {
        static Sample of(String log) throws IOException {
            Matcher m = SAMPLE_ROOT.matcher(log);
            assertTrue(m.find(), log);
            long root = Long.parseLong(m.group(1));
            ProcessHandle sh = ProcessHandle.of(root).orElseThrow();
            List<ProcessHandle> members = java.util.stream.Stream.concat(java.util.stream.Stream.of(sh), sh.descendants()).toList();
            assertEquals(4, members.size(), "sh, sleep, cat, sleep: " + members);
            return new Sample(root, members, Files.readSymbolicLink(Path.of("/proc", Long.toString(root), "cwd")));
        }

        void assertGone(String log) throws IOException {
            for (ProcessHandle p : members) {
                // isAlive compares the start time too (a reused pid does not count); a zombie that
                // init has not reaped yet is dead
                assertFalse(p.isAlive() && !zombie(p), "sample process " + p.pid() + " still runs\n" + log);
            }
            assertEquals(List.of(), inDir(dir), "no process left working in the sample's directory");
            assertFalse(Files.exists(dir), "sample directory " + dir + " removed");
        }

        boolean anyAlive() {
            return members.stream().anyMatch(p -> p.isAlive() && !zombie(p));
        }

        void kill() {
            members.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Live processes whose working directory is {@code dir} (each of the sample's is). */
    private static List<Long> inDir(Path dir) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return Files.readSymbolicLink(p.resolve("cwd")).equals(dir)
                            && !zombie(ProcessHandle.of(Long.parseLong(p.getFileName().toString())).orElseThrow());
                } catch (IOException | RuntimeException gone) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    private static boolean zombie(ProcessHandle p) {
        try {
            io.fleetckpt.agent.select.ProcStat st = io.fleetckpt.agent.select.ProcStat.read((int) p.pid());
            return st == null || st.gone();
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code fleetckpt local} in a JVM of its own, leading its own session and process group like a terminal's job. */
    private static final class LocalProcess implements AutoCloseable {
        private final Process process;
        private final Path log;
        private Sample sample;

        private LocalProcess(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static LocalProcess start(Path data, Path log, String... more) throws Exception {
            List<String> cmd = new java.util.ArrayList<>(List.of("setsid",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "local", "--data", data.toString()));
            cmd.addAll(List.of(more));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            LocalProcess lp = new LocalProcess(p, log);
            // a JVM that inherited SIGINT as ignored (started in the background by a shell without
            // job control) keeps ignoring it: the test would then wait for nothing
            String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
            String ignored = status.replaceAll("(?s).*SigIgn:\\s*([0-9a-f]+).*", "$1");
            if ((Long.parseLong(ignored, 16) & 0x2) != 0) {
                lp.close();
                assumeTrue(false, "SIGINT is ignored in processes this test starts");
            }
            return lp;
        }

        /** The sample tree the log names, remembered for {@link #close()}. */
        Sample sample(String log) throws IOException {
            sample = Sample.of(log);
            return sample;
        }

        long pid() {
            return process.pid();
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(log unreadable: " + e + ")";
            }
        }

        /** The first log line containing {@code what}; a bound for a broker start on a loaded machine, not a timing assertion. */
        String awaitLine(String what) throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < until && process.isAlive()) {
                for (String l : log().split("\n")) if (l.contains(what)) return l;
                Thread.sleep(50);
            }
            throw new AssertionError("local never printed '" + what + "' (alive: " + process.isAlive() + ")\n" + log());
        }

        void signalGroup(String signal) throws Exception {
            // setsid made the JVM the leader: its pid is the group's id
            Runtime.getRuntime().exec(new String[] {"kill", "-" + signal, "--", "-" + process.pid()}).waitFor();
        }

        int awaitExit() throws InterruptedException {
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "local did not end after the signal\n" + log());
            return process.exitValue();
        }

        /** Kills what is left when a test failed, the sample tree included. */
        @Override
        public void close() {
            if (sample != null) sample.kill();
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
