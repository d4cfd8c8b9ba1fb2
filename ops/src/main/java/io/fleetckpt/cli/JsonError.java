package io.fleetckpt.cli;

import io.fleetckpt.cli.kafka.CliJson;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * With {@code --json} a script reads stdout: a failure is then also one JSON object there,
 * {@code {"command": ..., "error": ..., "exit": 2}} (and {@code "details"} where the error has
 * more lines), so that it never meets an empty stdout. stderr keeps the line for people.
 */
final class JsonError {
    private JsonError() {
    }

    /**
     * Whether {@code --json} was asked for, of this command or a parent ({@code agent --json
     * capture}). After a parse error the options may not hold their values yet, so the command
     * line (before {@code --}) and the environment are read as well.
     *
     * @param args the command line, or null when it was parsed
     */
    static boolean requested(CommandLine cl, String[] args) {
        for (CommandLine c = cl; c != null; c = c.getParent()) {
            OptionSpec json = c.getCommandSpec().findOption("--json");
            if (json == null) continue;
            if (Boolean.TRUE.equals(json.getValue())) return true;
            if (args == null) continue;
            for (String a : args) {
                if (a.equals("--")) break;
                if (a.equals("--json") || a.equals("--json=true")) return true;
            }
            CommandLine.IDefaultValueProvider env = c.getDefaultValueProvider();
            try {
                if (env != null && "true".equals(env.defaultValue(json))) return true;
            } catch (Exception e) {
                // no default: not asked for
            }
        }
        return false;
    }

    static void print(CommandLine cl, String error, List<String> details, int exit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", cl.getCommandSpec().qualifiedName());
        m.put("error", error);
        if (!details.isEmpty()) m.put("details", details);
        m.put("exit", exit);
        cl.getOut().println(CliJson.write(m));
        cl.getOut().flush();
    }
}
