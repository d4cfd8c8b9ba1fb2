package io.fleetckpt.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systemd units: systemd's own verifier where installed, and the hardening capture relies on. */
class SystemdUnitTest {
    /** key -> values, in order, of one unit file section (repeated keys accumulate). */
    static Map<String, List<String>> section(Path unit, String name) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String current = null;
        for (String raw : Files.readAllLines(unit)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.startsWith("[")) {
                current = line;
                continue;
            }
            if (!("[" + name + "]").equals(current)) continue;
            int eq = line.indexOf('=');
            out.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
        }
        return out;
    }

    static String one(Map<String, List<String>> s, String key) {
        List<String> v = s.get(key);
        return v == null ? null : v.get(v.size() - 1);
    }

    @Test
    void agentKeepsWhatCaptureNeeds() throws IOException {
        Map<String, List<String>> svc = section(Repo.file("ops/systemd/fleetckpt-agent.service"), "Service");
        List<String> caps = Arrays.asList(one(svc, "CapabilityBoundingSet").split("\\s+"));
        assertTrue(caps.contains("CAP_SYS_PTRACE"), "kcmp and /proc/PID/fd of other users need ptrace access");
        assertTrue(one(svc, "ReadWritePaths").contains("/sys/fs/cgroup"), "the freezer writes cgroup files");
        assertNotEquals("yes", one(svc, "ProtectControlGroups"));
        assertNotEquals("yes", one(svc, "ProtectKernelTunables"));
        assertNotEquals("invisible", one(svc, "ProtectProc"));
        assertNotEquals("pid", one(svc, "ProcSubset"));
        assertFalse(svc.containsKey("PrivatePIDs"));
        assertNotEquals("yes", one(svc, "MemoryDenyWriteExecute"), "the JVM's JIT writes code");
        assertEquals("yes", one(svc, "NoNewPrivileges"));
        assertEquals("strict", one(svc, "ProtectSystem"));
        assertTrue(one(svc, "ExecStart").endsWith("fleetckpt agent"));
    }

    @Test
    void aggregatorRunsUnprivileged() throws IOException {
        Map<String, List<String>> svc = section(Repo.file("ops/systemd/fleetckpt-aggregator.service"), "Service");
        assertEquals("", one(svc, "CapabilityBoundingSet"));
        assertNotEquals("root", one(svc, "User"));
        assertTrue(one(svc, "ExecStart").endsWith("fleetckpt aggregator"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent", "aggregator"})
    void aCleanStopBySigtermIsNotAFailure(String command) throws IOException {
        Map<String, List<String>> svc = section(Repo.file("ops/systemd/fleetckpt-" + command + ".service"), "Service");
        // the JVM's status after SIGTERM and its shutdown hooks; without it `systemctl stop` leaves the unit failed
        assertEquals("143", one(svc, "SuccessExitStatus"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent", "aggregator"})
    void unitsAndEnvFilesOnlySetVariablesTheCommandReads(String command) throws IOException {
        List<String> vars = new ArrayList<>();
        for (String e : section(Repo.file("ops/systemd/fleetckpt-" + command + ".service"), "Service")
                .getOrDefault("Environment", List.of())) {
            vars.add(e.substring(0, e.indexOf('=')));
        }
        // the example env file, commented-out lines included: they are what users uncomment
        for (String line : Files.readAllLines(Repo.file("dist/src/config/" + command + ".env"))) {
            String l = line.replaceFirst("^#", "").strip();
            if (l.matches("FLEETCKPT_[A-Z0-9_]+=.*")) vars.add(l.substring(0, l.indexOf('=')));
        }
        assertTrue(vars.size() >= 3, vars.toString());
        List<String> unknown = vars.stream().filter(v -> !CommandVariables.understood(command, v)).toList();
        assertEquals(List.of(), unknown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fleetckpt-agent.service", "fleetckpt-aggregator.service"})
    void systemdAcceptsTheUnit(String unit, @TempDir Path dir) throws Exception {
        assumeTrue(Tools.installed("systemd-analyze"), "systemd-analyze not installed");
        // the verifier insists that ExecStart exists: point it at the launcher from this tree
        Path launcher = dir.resolve("bin/fleetckpt");
        Files.createDirectories(launcher.getParent());
        Files.copy(Repo.file("dist/src/bin/fleetckpt"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        String text = Files.readString(Repo.file("ops/systemd/" + unit)).replace("/opt/fleetckpt/bin/fleetckpt", launcher.toString());
        Path copy = Files.writeString(dir.resolve(unit), text);
        Tools.Result r = Tools.run(dir, List.of("systemd-analyze", "verify", "--man=no", copy.toString()));
        assertEquals(0, r.exitCode(), r.output());
        // unknown or misspelt directives are only warnings to systemd: treat them as failures here
        assertFalse(r.output().contains("Unknown key") || r.output().contains("Unknown section")
                || r.output().contains("Failed to parse"), r.output());
    }
}
