package io.fleetckpt.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Every usage error of every command, whether picocli found it while parsing or a command threw
 * it from {@code call()}: one line naming what is wrong, one line pointing at the help, exit 2.
 * The whole usage text after a typo buries the one line that matters, so it is not printed.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String command = cl.getCommandSpec().qualifiedName();
        PrintWriter err = cl.getErr();
        err.println(command + ": error: " + message(ex));
        err.println("Try '" + command + " --help'.");
        err.flush();
        return ErrorHandler.EXIT_FAILURE;
    }

    /** What is wrong, in one line, in the lower-case style of fleetckpt's own messages. */
    static String message(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException u && !u.isUnknownOption()) return unmatched(u);
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        if (m.startsWith("Error: ")) m = m.substring("Error: ".length());
        m = oneLine(m);
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
