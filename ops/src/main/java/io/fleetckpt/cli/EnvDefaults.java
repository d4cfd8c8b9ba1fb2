package io.fleetckpt.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lets every option be set from the environment as well as on the command line:
 * {@code --bootstrap-server} is read from {@code FLEETCKPT_BOOTSTRAP_SERVER}, {@code --store} from
 * {@code FLEETCKPT_STORE}. picocli asks this provider for an option's default, so the precedence is
 * flag, then environment, then the default written in the command. Containers and systemd units
 * configure the daemons this way without a wrapper script.
 *
 * <p>Positional parameters, help/version flags and options with only a short name are not read
 * from the environment: a stray variable must never turn into a file argument or hide the help.
 * An empty variable counts as unset (compose files often pass {@code VAR=} through).
 */
public final class EnvDefaults implements CommandLine.IDefaultValueProvider {
    static final String PREFIX = "FLEETCKPT_";

    private final Map<String, String> env;

    public EnvDefaults(Map<String, String> env) {
        this.env = Objects.requireNonNull(env);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) return null;
        if (option.usageHelp() || option.versionHelp()) return null;
        String var = variableFor(option);
        if (var == null) return null;
        String value = env.get(var);
        return value == null || value.isBlank() ? null : value;
    }

    /** The same environment without {@code variable}: what {@code --help} falls back to when it is unusable. */
    EnvDefaults without(String variable) {
        Map<String, String> fewer = new java.util.HashMap<>(env);
        fewer.remove(variable);
        return new EnvDefaults(fewer);
    }

    /** The variable an option is read from, or null when the option has no long name. */
    public static String variableFor(OptionSpec option) {
        String longest = option.longestName();
        if (!longest.startsWith("--") || longest.length() <= 2) return null;
        return PREFIX + longest.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
