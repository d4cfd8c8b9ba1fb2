package io.fleetckpt.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every command's --help reads alike: the Usage line first, the description after the synopsis. */
class HelpLayoutTest {
    @Test
    void everyCommandsHelpStartsWithItsUsageLine() {
        List<String> names = new ArrayList<>();
        collect(Main.commandLine(), "", names);
        assertTrue(names.contains("restore") && names.contains("bench codec"), names.toString());
        for (String name : names) {
            List<String> args = new ArrayList<>(List.of(name.split(" ")));
            args.add("--help");
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.code(), name + ": " + r.err());
            String first = r.out().lines().findFirst().orElse("");
            assertTrue(first.startsWith("Usage: fleetckpt " + name), name + " --help begins with: " + first);
        }
    }

    @Test
    void restoreHelpNamesItsPositionalsPlainly() {
        List<String> lines = CliRun.of("restore", "--help").out().lines().toList();
        int synopsisEnd = 1;
        while (lines.get(synopsisEnd).startsWith(" ")) synopsisEnd++;
        assertEquals("                         [-- COMMAND [ARG...]]", lines.get(synopsisEnd - 1));
        assertTrue(lines.get(synopsisEnd).startsWith("Re-creates the fd table"), "the description follows the synopsis: "
                + lines.get(synopsisEnd));
        String help = String.join("\n", lines);
        assertFalse(help.contains("IMAGE|COMMAND"), help);
        assertTrue(help.contains("      IMAGE                the image file (not with --store)"), help);
        assertTrue(help.contains("      -- COMMAND [ARG...]  the program"), help);
        assertTrue(lines.stream().allMatch(l -> l.length() <= 80), "no line wider than the terminal the help is laid out for");
    }

    private static void collect(CommandLine cl, String prefix, List<String> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            String name = prefix.isEmpty() ? e.getKey() : prefix + " " + e.getKey();
            out.add(name);
            collect(e.getValue(), name, out);
        }
    }
}
