package io.fleetckpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.junit.jupiter.api.Test;

class EnvDefaultsTest {
    @Command(name = "probe", mixinStandardHelpOptions = true)
    static final class Probe implements Runnable {
        @Option(names = {"-b", "--bootstrap-server"}, defaultValue = "localhost:9092")
        String bootstrap;
        @Option(names = "--store", defaultValue = "/var/lib/fleetckpt/images")
        Path store;
        @Option(names = "--metrics-port", defaultValue = "0")
        int metricsPort;
        @Option(names = "--follow")
        boolean follow;
        @Option(names = "-q")
        boolean quiet;
        @Parameters(arity = "0..*")
        List<String> files;

        @Override
        public void run() {
        }
    }

    private static Probe parse(Map<String, String> env, String... args) {
        Probe p = new Probe();
        CommandLine cl = new CommandLine(p);
        cl.setDefaultValueProvider(new EnvDefaults(env));
        cl.parseArgs(args);
        return p;
    }

    @Test
    void flagBeatsEnvironmentBeatsDefault() {
        Map<String, String> env = Map.of("FLEETCKPT_BOOTSTRAP_SERVER", "kafka-1:9092", "FLEETCKPT_METRICS_PORT", "9464");
        Probe fromEnv = parse(env);
        assertEquals("kafka-1:9092", fromEnv.bootstrap);
        assertEquals(9464, fromEnv.metricsPort);
        assertEquals(Path.of("/var/lib/fleetckpt/images"), fromEnv.store, "unset variable: the command's default");

        Probe fromFlag = parse(env, "--bootstrap-server", "kafka-2:9093", "--metrics-port=1");
        assertEquals("kafka-2:9093", fromFlag.bootstrap);
        assertEquals(1, fromFlag.metricsPort);
    }

    @Test
    void booleanAndPathOptionsAreConvertedLikeFlags() {
        Probe p = parse(Map.of("FLEETCKPT_FOLLOW", "true", "FLEETCKPT_STORE", "/srv/images"));
        assertTrue(p.follow);
        assertEquals(Path.of("/srv/images"), p.store);
        assertFalse(parse(Map.of("FLEETCKPT_FOLLOW", "false")).follow);
    }

    @Test
    void emptyVariablesPositionalsShortOnlyAndHelpAreNotTakenFromTheEnvironment() {
        Probe p = parse(Map.of("FLEETCKPT_BOOTSTRAP_SERVER", " ", "FLEETCKPT_Q", "true",
                "FLEETCKPT_HELP", "true", "FLEETCKPT_FILES", "/etc/passwd"));
        assertEquals("localhost:9092", p.bootstrap);
        assertFalse(p.quiet);
        assertNull(p.files);
    }

    @Test
    void aBadValueFromTheEnvironmentIsAUsageErrorNamingTheOption() {
        Probe p = new Probe();
        CommandLine cl = new CommandLine(p);
        cl.setDefaultValueProvider(new EnvDefaults(Map.of("FLEETCKPT_METRICS_PORT", "ninety")));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute());
        assertTrue(err.toString().contains("--metrics-port"), err.toString());
        assertTrue(err.toString().contains("ninety"), err.toString());
    }

    @Test
    void variableNamesFollowTheLongestOptionName() {
        CommandLine cl = new CommandLine(new Probe());
        assertEquals("FLEETCKPT_BOOTSTRAP_SERVER", EnvDefaults.variableFor(cl.getCommandSpec().findOption("-b")));
        assertEquals("FLEETCKPT_METRICS_PORT", EnvDefaults.variableFor(cl.getCommandSpec().findOption("metrics-port")));
        assertNull(EnvDefaults.variableFor(cl.getCommandSpec().findOption("-q")));
    }

    @Test
    void mainInstallsTheProvider() {
        assertTrue(Main.commandLine().getDefaultValueProvider() instanceof EnvDefaults);
    }
}
