package io.fleetckpt.cli;

import io.fleetckpt.cli.bench.CodecBenchCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code fleetckpt bench ...}: benchmarks, one subcommand each, registered below. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks. Each prints its measurements and, as its last line, one JSON object.",
        subcommands = {
                CodecBenchCommand.class,
                io.fleetckpt.cli.bench.BenchCaptureCommand.class,
                // other benchmarks register here, one line each
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:benchmark ran", "2:usage error (no benchmark named) or failure"})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("fleetckpt bench: name a benchmark");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
