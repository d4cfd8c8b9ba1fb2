package io.fleetckpt.cli;

import io.fleetckpt.cli.bench.BenchPipelineCommand;
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
                BenchPipelineCommand.class,
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
        java.util.List<String> names = new java.util.ArrayList<>(spec.subcommands().keySet());
        String last = names.remove(names.size() - 1);
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "name a benchmark: " + String.join(", ", names) + " or " + last);
    }
}
