package io.fleetckpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Options that operations rely on being the same on every command that needs them. */
class CommandOptionsTest {
    static List<CommandSpec> allCommands() {
        List<CommandSpec> out = new ArrayList<>();
        collect(Main.commandLine(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<CommandSpec> out) {
        out.add(cl.getCommandSpec());
        cl.getSubcommands().values().forEach(sub -> collect(sub, out));
    }

    @Test
    void everyKafkaCommandTakesTheClientPropertiesFileUnderBothNames() {
        List<String> missing = new ArrayList<>();
        int kafkaCommands = 0;
        for (CommandSpec c : allCommands()) {
            if (c.findOption("--bootstrap-server") == null) continue;
            kafkaCommands++;
            for (String name : new String[] {"--kafka-config", "--client-properties"}) {
                if (c.findOption(name) == null) missing.add(c.qualifiedName() + " " + name);
            }
            // the same variable as kafka-common's KafkaClientConfig reads, not FLEETCKPT_KAFKA_CONFIG
            // (FLEETCKPT_KAFKA_* are Kafka client settings)
            assertEquals("FLEETCKPT_CLIENT_PROPERTIES", EnvDefaults.variableFor(c.findOption("--kafka-config")), c.qualifiedName());
        }
        assertEquals(List.of(), missing);
        assertEquals(true, kafkaCommands >= 5, "agent, agent capture, aggregator, checkpoint, tail, topics: " + kafkaCommands);
    }

    @Test
    void theLongRunningCommandsServeMetrics() {
        CommandLine main = Main.commandLine();
        for (String name : new String[] {"agent", "aggregator", "local"}) {
            CommandSpec c = main.getSubcommands().get(name).getCommandSpec();
            assertNotNull(c.findOption("--metrics-port"), name);
            assertNotNull(c.findOption("--metrics-host"), name);
            assertEquals("0", c.findOption("--metrics-port").defaultValue(), name + ": off unless asked for");
        }
    }

    @Test
    void bothCapturingCommandsBoundTheFrozenWindowAlike() {
        CommandLine main = Main.commandLine();
        for (String name : new String[] {"capture", "agent"}) {
            CommandLine.Model.OptionSpec o = main.getSubcommands().get(name).getCommandSpec().findOption("--max-frozen");
            assertNotNull(o, name);
            assertEquals("30s", o.defaultValue(), name);
        }
    }

    @Test
    void everyCommandAndOptionSaysWhatItIsInItsHelp() {
        List<String> undescribed = new ArrayList<>();
        for (CommandSpec c : allCommands()) {
            String[] summary = c.usageMessage().header().length > 0 ? c.usageMessage().header() : c.usageMessage().description();
            // the parent's command list shows the first line: an empty one left `restore` blank there
            if (summary.length == 0 || summary[0].isBlank()) undescribed.add(c.qualifiedName());
            for (CommandLine.Model.OptionSpec o : c.options()) {
                if (o.description().length == 0 || o.description()[0].isBlank()) undescribed.add(c.qualifiedName() + " " + o.longestName());
            }
        }
        assertEquals(List.of(), undescribed);
    }
}
