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
    void aBadValueFromTheEnvironmentIsAUsageErrorNamingTheVariable() {
        Probe p = new Probe();
        CommandLine cl = new CommandLine(p);
        cl.setDefaultValueProvider(new EnvDefaults(Map.of("FLEETCKPT_METRICS_PORT", "ninety")));
        cl.setParameterExceptionHandler(new UsageErrors());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute());
        assertEquals("probe: error: FLEETCKPT_METRICS_PORT=ninety: --metrics-port takes an integer", err.toString().lines().findFirst().get());
    }

    private static void assertEnvError(String what, CliRun r) {
        assertEquals(2, r.code(), r.err());
        assertEquals(what, r.err().lines().findFirst().orElse(""), r.err());
        assertEquals(2, r.err().lines().count(), r.err());
    }

    @Test
    void eachKindOfValueSaysWhatTheVariableShouldHold() {
        String[] capture = {"capture", "--pid", "1", "-o", "/nonexistent-dir/x.img"};
        assertEnvError("fleetckpt capture: error: FLEETCKPT_THREADS=many: --threads: 'many' is not a whole number",
                CliRun.withEnv(Map.of("FLEETCKPT_THREADS", "many"), capture));
        assertEnvError("fleetckpt capture: error: FLEETCKPT_MAX_FROZEN='a while': --max-frozen: 'a while' is not a duration (e.g. 500ms, 60s, 5m, 1h)",
                CliRun.withEnv(Map.of("FLEETCKPT_MAX_FROZEN", "a while"), capture));
        assertEnvError("fleetckpt capture: error: FLEETCKPT_JSON=yes: --json takes true or false",
                CliRun.withEnv(Map.of("FLEETCKPT_JSON", "yes"), capture));
        assertEnvError("fleetckpt restore: error: FLEETCKPT_UNRESTORABLE=bogus: --unrestorable takes one of skip, devnull, fail",
                CliRun.withEnv(Map.of("FLEETCKPT_UNRESTORABLE", "bogus"), "restore", "x.img", "--dry-run"));
    }

    @Test
    void theCommandLinesValueIsNotBlamedOnTheVariableNorTheVariableOnIt() {
        Map<String, String> env = Map.of("FLEETCKPT_THREADS", "many");
        CliRun flagWins = CliRun.withEnv(env, "capture", "--pid", "1", "--threads", "2", "-o", "/nonexistent-dir/x.img");
        assertEquals("fleetckpt capture: error: -o /nonexistent-dir/x.img: no such directory /nonexistent-dir; nothing captured",
                flagWins.err().strip(), "the variable is not read when the flag is given");
        assertEnvError("fleetckpt capture: error: invalid value for option '--threads': 'x' is not a whole number",
                CliRun.withEnv(env, "capture", "--pid", "1", "--threads=x", "-o", "/nonexistent-dir/x.img"));
    }

    @Test
    void helpAndVersionWorkWhateverTheEnvironmentSays() {
        Map<String, String> env = Map.of("FLEETCKPT_METRICS_PORT", "ninety", "FLEETCKPT_MAX_FROZEN", "soon");
        CliRun help = CliRun.withEnv(env, "local", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().startsWith("Usage: fleetckpt local"), help.out());
        assertTrue(help.out().contains("(default 0: off)"), "the built-in default, not the unusable value: " + help.out());
        assertEquals("fleetckpt local: ignored FLEETCKPT_METRICS_PORT=ninety: --metrics-port takes an integer", help.err().strip());

        // two unusable variables, one of the parent command's: the subcommand's help still shows
        CliRun sub = CliRun.withEnv(env, "agent", "capture", "-h");
        assertEquals(0, sub.code(), sub.err());
        assertTrue(sub.out().startsWith("Usage: fleetckpt agent capture"), sub.out());
        assertEquals(2, sub.err().lines().filter(l -> l.startsWith("fleetckpt agent: ignored FLEETCKPT_")).count(), sub.err());

        CliRun version = CliRun.withEnv(env, "agent", "--version");
        assertEquals(0, version.code(), version.err());
        assertTrue(version.out().startsWith("fleetckpt "), version.out());
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
