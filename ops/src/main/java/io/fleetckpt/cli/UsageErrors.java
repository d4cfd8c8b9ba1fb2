package io.fleetckpt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every usage error of every command, whether picocli found it while parsing or a command threw
 * it from {@code call()}: one line naming what is wrong, one line pointing at the help, exit 2.
 * The whole usage text after a typo buries the one line that matters, so it is not printed.
 *
 * <p>A value from a {@code FLEETCKPT_*} variable that does not convert names the variable (the
 * command line holds nothing wrong to look for), and never stops {@code --help} or {@code --version}.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    /** picocli's wording of a value its converter refused; group 1 is the converter's reason */
    private static final Pattern INVALID_VALUE = Pattern.compile("Invalid value for option '[^']*'(?: \\([^)]*\\))?: (.*)");

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine root = ex.getCommandLine();
        while (root.getParent() != null) root = root.getParent();
        if (root.getDefaultValueProvider() instanceof EnvDefaults env) {
            OptionSpec fromEnv = fromEnvironment(ex, env, args);
            if (fromEnv != null) {
                String what = environmentMessage(fromEnv, env, ex);
                Integer help = helpDespiteTheEnvironment(root, env, fromEnv, what, args, ex.getCommandLine());
                return help != null ? help : report(ex.getCommandLine(), what, args);
            }
        }
        return report(ex.getCommandLine(), message(ex), args);
    }

    private static int report(CommandLine cl, String what, String[] args) {
        String command = cl.getCommandSpec().qualifiedName();
        PrintWriter err = cl.getErr();
        err.println(command + ": error: " + what);
        err.println("Try '" + command + " --help'.");
        err.flush();
        if (JsonError.requested(cl, args)) JsonError.print(cl, what, List.of(), ErrorHandler.EXIT_FAILURE);
        return ErrorHandler.EXIT_FAILURE;
    }

    /**
     * The option whose value from the environment is the one picocli refused, or null when the
     * error is the command line's. picocli asks for defaults only for options the command line
     * left out, so a refused value of such an option came from its variable.
     */
    private static OptionSpec fromEnvironment(ParameterException ex, EnvDefaults env, String[] args) {
        if (!(ex.getArgSpec() instanceof OptionSpec o) || env.defaultValue(o) == null) return null;
        for (String a : args) {
            if (a.equals("--")) break;
            for (String name : o.names()) if (a.equals(name) || a.startsWith(name + "=")) return null;
        }
        return o;
    }

    /**
     * A stray variable must not hide the help: when {@code --help} or {@code --version} was asked
     * for, it is shown as if the unusable variables were unset (they are named on stderr), and
     * null is returned when neither was asked for.
     */
    private static Integer helpDespiteTheEnvironment(CommandLine root, EnvDefaults env, OptionSpec bad, String what,
                                                     String[] args, CommandLine failed) {
        EnvDefaults masked = env;
        List<String> ignored = new ArrayList<>();
        try {
            // each round leaves out one more unusable variable; there are only so many options
            for (int round = 0; bad != null && round < 1000; round++) {
                masked = masked.without(EnvDefaults.variableFor(bad));
                ignored.add(what);
                root.setDefaultValueProvider(masked);
                try {
                    Integer shown = CommandLine.executeHelpRequest(root.parseArgs(args));
                    if (shown != null) {
                        for (String i : ignored) failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": ignored " + i);
                        failed.getErr().flush();
                    }
                    return shown;
                } catch (ParameterException again) {
                    bad = fromEnvironment(again, masked, args);
                    if (bad != null) what = environmentMessage(bad, masked, again);
                }
            }
            return null;
        } finally {
            root.setDefaultValueProvider(env);
        }
    }

    /** {@code FLEETCKPT_METRICS_PORT=ninety: --metrics-port takes an integer}: the variable named, not only the option. */
    static String environmentMessage(OptionSpec o, EnvDefaults env, ParameterException ex) {
        String setting = EnvDefaults.variableFor(o) + "=" + shellQuoted(env.defaultValue(o)) + ": " + o.longestName();
        String expected = expected(o);
        if (expected != null) return setting + " takes " + expected;
        Matcher m = INVALID_VALUE.matcher(oneLine(String.valueOf(ex.getMessage())));
        return setting + ": " + (m.matches() ? m.group(1) : message(ex));
    }

    /** What the option's values look like, for the types whose converter says only "not an int". */
    private static String expected(OptionSpec o) {
        Class<?> t = o.isMultiValue() && o.auxiliaryTypes().length > 0 ? o.auxiliaryTypes()[0] : o.type();
        if (o.converters().length > 0) return null; // a converter of its own says more
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class
                || t == short.class || t == Short.class || t == byte.class || t == Byte.class) return "an integer";
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) return "a number";
        if (t == boolean.class || t == Boolean.class) return "true or false";
        if (t.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : t.getEnumConstants()) names.add(((Enum<?>) c).name().toLowerCase(Locale.ROOT));
            return "one of " + String.join(", ", names);
        }
        return null;
    }

    private static String shellQuoted(String v) {
        return v.matches("[A-Za-z0-9_./:,@%+=-]+") ? v : "'" + v.replace("'", "'\\''") + "'";
    }

    /** What is wrong, in one line, in the lower-case style of fleetckpt's own messages. */
    static String message(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException u && !u.isUnknownOption()) return unmatched(u);
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        if (m.startsWith("Error: ")) m = m.substring("Error: ".length());
        m = oneLine(m);
        // picocli's help command words it its own way ("Unknown subcommand 'x'.")
        m = m.replaceFirst("^Unknown subcommand ('.*')\\.$", "unknown command $1");
        if (ex instanceof UnmatchedArgumentException u) m += suggestions(u);
        return decapitalize(m);
    }

    /** "Unmatched argument at index 0" means nothing to a user: say what the word was taken for. */
    private static String unmatched(UnmatchedArgumentException u) {
        List<String> words = u.getUnmatched().stream().map(w -> "'" + w + "'").toList();
        boolean takesCommands = !u.getCommandLine().getSubcommands().isEmpty()
                && u.getCommandLine().getCommandSpec().positionalParameters().isEmpty();
        String what = takesCommands ? "unknown command " : words.size() == 1 ? "unexpected argument " : "unexpected arguments ";
        return what + String.join(", ", words) + suggestions(u);
    }

    private static String suggestions(UnmatchedArgumentException u) {
        List<String> s = u.getSuggestions();
        if (s.isEmpty()) return "";
        List<String> some = s.subList(0, Math.min(3, s.size()));
        return " (did you mean " + String.join(" or ", some) + "?)";
    }

    private static String oneLine(String m) {
        return m.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static String decapitalize(String m) {
        if (m.length() < 2 || !Character.isUpperCase(m.charAt(0)) || !Character.isLowerCase(m.charAt(1))) return m;
        return m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
    }
}
