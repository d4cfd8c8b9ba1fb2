package io.fleetckpt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fleetckpt} command. Each stage of the pipeline has its subcommand in its own class;
 * this class only wires them together and maps failures to the documented exit codes.
 */
@Command(name = "fleetckpt",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Checkpoint the open-file tables of processes across a fleet of Linux hosts.",
        subcommands = {
                CommandLine.HelpCommand.class,
                InspectCommand.class,
                BenchCommand.class,
                CaptureCommand.class,
                // each command class registers here, one line each
                TopicsCommand.class,
                AgentCommand.class,
                CheckpointCommand.class,
                TailCommand.class,
                ImagesCommand.class,
                PullCommand.class,
                RestoreCommand.class,
                AggregatorCommand.class,
                LocalCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:the work was done but the result is invalid or partial (see the command's help)",
                "2:usage error, unreadable input or I/O failure",
        })
public final class Main {
    private Main() {
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new UsageErrors()); // every command's usage errors: one line and a hint
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setDefaultValueProvider(new EnvDefaults(System.getenv())); // flag > FLEETCKPT_<OPTION> > default
        versionEverywhere(cl);
        return cl;
    }

    /** Every command's --version prints the version, not an empty line (picocli does not inherit the provider). */
    private static void versionEverywhere(CommandLine cl) {
        if (cl.getCommandSpec().versionProvider() == null && cl.getCommandSpec().version().length == 0) {
            cl.getCommandSpec().versionProvider(new VersionProvider());
        }
        cl.getSubcommands().values().forEach(Main::versionEverywhere);
    }

    /** The Kafka clients' connection warnings, hidden by simplelogger.properties (BrokerCheck says it in one line). */
    static final java.util.List<String> CONNECTION_LOGGERS = java.util.List.of(
            "org.apache.kafka.clients.NetworkClient", "org.apache.kafka.clients.ClientUtils");

    public static void main(String[] args) {
        if ("1".equals(System.getenv("FLEETCKPT_DEBUG"))) showConnectionWarnings();
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the ErrorHandler: an Error would end as a stack trace
            System.err.println("fleetckpt: error: out of memory (the heap's maximum is "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): raise it with FLEETCKPT_JAVA_OPTS=-Xmx...");
            code = ErrorHandler.EXIT_FAILURE;
        }
        System.exit(code);
    }

    /** Before any logger exists (slf4j-simple fixes a logger's level when it is created); a level set with -D wins. */
    private static void showConnectionWarnings() {
        for (String logger : CONNECTION_LOGGERS) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) System.setProperty(key, "warn");
        }
    }
}
