package io.fleetckpt.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command that needs the broker, pointed at an address where nothing listens: within its
 * timeout it ends with exit 2 and one line naming the address and what a TCP connect found,
 * after at most one line saying it waits, and without the Kafka client's once-a-second
 * connection warnings. (Before: about 60 s whatever `topics create --timeout` said, 65 WARN
 * lines, "timed out listing topics" and a hint to create the topics.)
 */
class UnreachableBrokerTest {
    private static final String REFUSED = "TCP connect: connection refused, nothing listens on that port";

    @Test
    void topicsCreateHonoursItsTimeoutAndTheReleasedLoggingConfigPrintsNoClientWarnings(@TempDir Path tmp) throws Exception {
        String address = "127.0.0.1:" + closedPort();
        List<String> err = runReleased(tmp, "topics", "create", "--bootstrap-server", address, "--timeout", "2s");
        assertEquals(List.of("fleetckpt topics create: waiting up to 2 s for a Kafka broker at " + address + " (" + REFUSED + ")",
                "fleetckpt topics create: error: cannot reach a Kafka broker at " + address
                        + ": no answer to a cluster metadata request in 2 s; " + REFUSED), err);
    }

    @Test
    void tailSaysTheBrokerIsUnreachableNotThatMetadataTimedOut(@TempDir Path tmp) throws Exception {
        String address = "127.0.0.1:" + closedPort();
        List<String> err = runReleased(tmp, "tail", "--records", "--bootstrap-server", address, "--broker-timeout", "2s");
        assertEquals(2, err.size(), String.join("\n", err));
        assertEquals("fleetckpt tail: error: cannot reach a Kafka broker at " + address
                + ": no answer to a cluster metadata request in 2 s; " + REFUSED, err.get(1));
    }

    @Test
    void checkpointAgentAndAggregatorNameTheAddressWithoutTheCreateTopicsHint(@TempDir Path tmp) throws Exception {
        String address = "127.0.0.1:" + closedPort();
        String error = "error: cannot reach a Kafka broker at " + address + ": no answer to a cluster metadata request in 1500 ms; " + REFUSED;
        CliRun checkpoint = CliRun.of("checkpoint", "--bootstrap-server", address, "--broker-timeout", "1500ms", "--host", "h", "--pid", "1");
        assertEquals(2, checkpoint.code(), checkpoint.err());
        assertEquals("fleetckpt checkpoint: " + error, lastLine(checkpoint.err()));
        CliRun agent = CliRun.of("agent", "--bootstrap-server", address, "--broker-timeout", "1500ms", "--state-dir", tmp.resolve("state").toString());
        assertEquals(2, agent.code(), agent.err());
        assertEquals("fleetckpt agent: " + error, lastLine(agent.err()));
        CliRun aggregator = CliRun.of("aggregator", "--bootstrap-server", address, "--broker-timeout", "1500ms", "--store", tmp.resolve("store").toString());
        assertEquals(2, aggregator.code(), aggregator.err());
        assertEquals("fleetckpt aggregator: " + error, lastLine(aggregator.err()));
        CliRun zero = CliRun.of("tail", "--records", "--bootstrap-server", address, "--broker-timeout", "0s");
        assertEquals(2, zero.code(), zero.err());
        assertTrue(zero.err().contains("invalid value for option '--broker-timeout': '0s' is not a positive duration"), zero.err());
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    /** The command as shipped; it must end far sooner than the client's own 60 s, with exit 2. */
    private static List<String> runReleased(Path tmp, String... args) throws Exception {
        ReleasedCli r = ReleasedCli.run(tmp, 30, args);
        assertEquals(2, r.code(), r.errText());
        return r.err();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
