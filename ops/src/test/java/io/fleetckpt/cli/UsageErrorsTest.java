package io.fleetckpt.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UsageErrorsTest {
    /** Runs with an empty environment: a FLEETCKPT_STORE of the machine must not change the answer. */
    private static CliRun run(String... args) {
        return CliRun.withEnv(Map.of(), args);
    }

    private static void assertUsageError(String command, String what, CliRun r) {
        assertEquals(2, r.code(), r.err());
        assertEquals(command + ": error: " + what + "\nTry '" + command + " --help'.\n", r.err().replace("\r\n", "\n"));
        assertEquals("", r.out());
    }

    @Test
    void aBadValueIsOneLineNamingTheOptionAndAHint() {
        assertUsageError("fleetckpt capture", "invalid value for option '--pid' (P): 'abc' is not a process id",
                run("capture", "--pid", "abc", "-o", "/tmp/x.img"));
        assertUsageError("fleetckpt restore",
                "invalid value for option '--unrestorable': expected one of [SKIP, DEVNULL, FAIL] (case-insensitive) but was 'bogus'",
                run("restore", "--unrestorable", "bogus", "x.img", "--", "true"));
    }

    @Test
    void missingAndUnknownOptionsAndCommands() {
        assertUsageError("fleetckpt images", "unknown option: '--stor' (did you mean --store?)", run("images", "--stor"));
        assertUsageError("fleetckpt pull", "missing required parameter: 'ID'", run("pull"));
        assertUsageError("fleetckpt tail",
                "missing required argument (specify one of these): (--records | --images | --control | --dlq)", run("tail"));
        assertUsageError("fleetckpt inspect", "unexpected argument 'b'", run("inspect", "a", "b"));
        assertUsageError("fleetckpt", "unknown command 'agnet' (did you mean agent or images or aggregator?)",
                run("agnet"));
        assertUsageError("fleetckpt", "unknown command 'nosuch'", run("help", "nosuch"));
    }

    /** Out-of-range numbers and durations are refused while parsing, before any broker is asked for. */
    @Test
    void outOfRangeValuesAreRefusedBeforeAnythingConnects() {
        String[] dead = {"--bootstrap-server", "127.0.0.1:1"};
        assertUsageError("fleetckpt checkpoint", "invalid value for option '--chunk-bytes': '5' is out of range: 16384..8388608",
                run("checkpoint", "--host", "h", "--pid", "1", "--chunk-bytes", "5", dead[0], dead[1]));
        assertUsageError("fleetckpt topics create", "invalid value for option '--partitions': '0' is out of range: 1..10000",
                run("topics", "create", "--partitions", "0", dead[0], dead[1]));
        assertUsageError("fleetckpt topics create", "invalid value for option '--replication-factor': '99999' is out of range: 1..32767",
                run("topics", "create", "--replication-factor", "99999", dead[0], dead[1]));
        assertUsageError("fleetckpt tail", "invalid value for option '--max-messages': '-3' is out of range: at least 1",
                run("tail", "--records", "--max-messages", "-3", dead[0], dead[1]));
        assertUsageError("fleetckpt local", "invalid value for option '--timeout': '0' is out of range: at least 1",
                run("local", "--timeout", "0"));
        assertUsageError("fleetckpt topics create", "invalid value for option '--timeout': '0s' is not a positive duration",
                run("topics", "create", "--timeout", "0s", dead[0], dead[1]));
        assertUsageError("fleetckpt capture", "invalid value for option '--threads': 'x' is not a whole number",
                run("capture", "--pid", "1", "--threads", "x", "-o", "/tmp/x.img"));
    }

    @Test
    void errorsACommandFindsItselfLookTheSame() {
        assertUsageError("fleetckpt restore", "give one IMAGE file (or --store/--checkpoint/--host) before --", run("restore"));
        assertUsageError("fleetckpt capture", "name processes with --pid, --tree, --cgroup or --comm", run("capture", "-o", "/tmp/x.img"));
        assertUsageError("fleetckpt bench", "name a benchmark: codec, pipeline or capture", run("bench"));
        assertUsageError("fleetckpt bench codec", "--tasks >= 1, --fds >= 0, --iterations >= 1, --warmup >= 0",
                run("bench", "codec", "--tasks", "0"));
    }

    /**
     * Every command, present and future: the handler is Main's, not each command's. (A missing
     * required option is reported before an unknown one; {@code help} takes any word as a topic.)
     */
    @Test
    void everyCommandAnswersAnUnknownOptionWithTwoLines() {
        List<String> wrong = new ArrayList<>();
        for (CommandSpec c : CommandOptionsTest.allCommands()) {
            if (c.name().equals("help")) continue;
            List<String> args = new ArrayList<>(Arrays.asList(c.qualifiedName().split(" ")));
            args.remove(0);
            args.add("--no-such-option-anywhere");
            CliRun r = run(args.toArray(String[]::new));
            String[] lines = r.err().split("\\R");
            String q = c.qualifiedName();
            boolean ok = r.code() == 2 && r.out().isEmpty() && lines.length == 2
                    && (lines[0].startsWith(q + ": error: unknown option: '--no-such-option-anywhere'")
                    || lines[0].startsWith(q + ": error: missing required "))
                    && lines[1].equals("Try '" + q + " --help'.");
            if (!ok) wrong.add(q + " -> " + r.code() + ": " + r.err() + r.out());
        }
        assertEquals(List.of(), wrong);
    }
}
