package io.fleetckpt.agent.freeze;

import io.fleetckpt.agent.daemon.LocalHostCapturer;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.agent.testing.Fixture;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fleetckpt.agent.testing.Captures.assumeRoot;
import static io.fleetckpt.agent.testing.Captures.tempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An agent process stopped while tasks are frozen: SIGTERM and SIGINT thaw on the way out, SIGKILL on the next start. */
class AgentDeathTest {
    private static final int SIGINT = 2;
    private static final int SIGTERM = 15;

    /**
     * The stand-in agent, with SIGINT's default disposition restored by env(1): a JVM keeps a
     * signal ignored if it was at start (as a shell's background job gets it), and this test JVM
     * may have been started so.
     */
    private static Process agent(int pid, Path state) throws Exception {
        Process p = new ProcessBuilder("env", "--default-signal=INT", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FreezeAndWait.class.getName(),
                Integer.toString(pid), state.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
        assertEquals("FROZEN", line);
        return p;
    }

    private static Path v2CgroupOf(int pid) throws Exception {
        return CgroupMounts.detect().v2CgroupOf(pid);
    }

    private static String cgroupOf(int pid) throws Exception {
        return Files.readString(Path.of("/proc", Integer.toString(pid), "cgroup"));
    }

    @Test
    void sigtermThawsOnTheWayOut() throws Exception {
        thawsOnTheWayOut(SIGTERM, 143);
    }

    /** Ctrl-C of an agent run in a terminal. */
    @Test
    void sigintThawsOnTheWayOut() throws Exception {
        thawsOnTheWayOut(SIGINT, 130);
    }

    private static void thawsOnTheWayOut(int signal, int exitCode) throws Exception {
        assumeRoot();
        Path state = tempDir("state");
        try (Fixture f = Fixture.start("many", "10")) {
            String before = cgroupOf(f.pid);
            Process agent = agent(f.pid, state);
            assertTrue(cgroupOf(f.pid).contains("fleetckpt-" + agent.pid()), "moved into the agent's cgroup");
            assertTrue(Files.readString(v2CgroupOf(f.pid).resolve("cgroup.events")).contains("frozen 1"), "frozen");
            assertEquals(0, Syscalls.system().kill((int) agent.pid(), signal));
            assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
            assertEquals(exitCode, agent.exitValue(), "ended by signal " + signal + ", through the JVM's shutdown");
            assertEquals(before, cgroupOf(f.pid), "back in its own cgroup");
            try (var l = Files.list(state)) {
                assertEquals(0, l.count(), "nothing left for the next start");
            }
            f.closeFd(9); // answers only if it runs again
        }
    }

    /**
     * SIGKILL runs no hook: the tasks stay frozen until the next agent starts, which undoes the
     * state file at once (what the agent command runs before it waits for the broker or a request).
     */
    @Test
    void sigkillLeavesAStateFileTheNextStartUndoes() throws Exception {
        assumeRoot();
        Path state = tempDir("state");
        try (Fixture f = Fixture.start("many", "10")) {
            String before = cgroupOf(f.pid);
            Process agent = agent(f.pid, state);
            agent.destroyForcibly();
            assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
            String frozenIn = "fleetckpt-" + agent.pid();
            assertTrue(cgroupOf(f.pid).contains(frozenIn), "still frozen in the dead agent's cgroup");
            try (LocalHostCapturer next = new LocalHostCapturer(state, 1)) {
                List<String> report = next.recoverLeftovers();
                assertTrue(report.stream().anyMatch(l -> l.startsWith("recovery: moved pid " + f.pid + " back to ")), report.toString());
                assertTrue(report.stream().anyMatch(l -> l.startsWith("recovery: thawed ") && l.contains(frozenIn)), report.toString());
                assertEquals(List.of(), next.recoverLeftovers(), "once per start");
            }
            assertEquals(before, cgroupOf(f.pid), "back in its own cgroup");
            assertTrue(Files.notExists(CgroupMounts.detect().v2().resolve(frozenIn + "-1")), "the dead agent's cgroup removed");
            try (var l = Files.list(state)) {
                assertEquals(0, l.count(), "state file removed");
            }
            f.closeFd(9); // answers only if it runs again
        }
    }
}
