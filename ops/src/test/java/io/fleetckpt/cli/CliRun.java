package io.fleetckpt.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One {@code fleetckpt} invocation in-process: exit code and what it printed. */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
        return withEnv(System.getenv(), args);
    }

    /** As {@link #of}, with {@code env} as the environment FLEETCKPT_* option defaults come from. */
    static CliRun withEnv(java.util.Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setDefaultValueProvider(new EnvDefaults(env));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
