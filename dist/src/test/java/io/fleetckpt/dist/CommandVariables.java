package io.fleetckpt.dist;

import io.fleetckpt.cli.EnvDefaults;
import io.fleetckpt.cli.Main;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Which FLEETCKPT_* variables a command really reads, from the CLI's own option model. */
final class CommandVariables {
    /** Read by the launcher, the error handler or kafka-common rather than through an option. */
    private static final Pattern NOT_AN_OPTION = Pattern.compile(
            "FLEETCKPT_(JAVA_OPTS|DEBUG|BOOTSTRAP_SERVERS|KAFKA_[A-Z0-9_]+|TOPIC_(PREFIX|CONTROL|RECORDS|IMAGES|DLQ)"
                    + "|PARTITIONS|REPLICATION_FACTOR|CHUNK_BYTES)");

    private CommandVariables() {
    }

    static Set<String> of(String command) {
        CommandLine cl = Main.commandLine().getSubcommands().get(command);
        if (cl == null) throw new AssertionError("no command " + command);
        Set<String> vars = new HashSet<>();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            String v = EnvDefaults.variableFor(o);
            if (v != null) vars.add(v);
        }
        return vars;
    }

    /** True when {@code variable} configures {@code command}: an option's variable or a known global. */
    static boolean understood(String command, String variable) {
        return NOT_AN_OPTION.matcher(variable).matches() || of(command).contains(variable);
    }
}
