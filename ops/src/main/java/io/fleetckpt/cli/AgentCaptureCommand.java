package io.fleetckpt.cli;

import io.fleetckpt.agent.daemon.AgentRuntime;
import io.fleetckpt.agent.daemon.CheckpointRunner;
import io.fleetckpt.agent.daemon.LocalHostCapturer;
import io.fleetckpt.cli.kafka.AgentOutput;
import io.fleetckpt.cli.kafka.KafkaOptions;
import io.fleetckpt.cli.kafka.SelectionOptions;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.messages.CheckpointOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code fleetckpt agent capture}: one capture and publish on this host, without a request. */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {"Capture processes of this host now and publish the host stream under a checkpoint id.",
                "The agent's options (--bootstrap-server, --host-id, --state-dir, ...) go before `capture`: "
                        + "fleetckpt agent --bootstrap-server B capture --checkpoint ID --pid P. No request names the "
                        + "hosts of such a checkpoint, so its manifest stays IN_PROGRESS (docs/aggregator.md)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:host stream published (END)", "1:capture or publish failed, stream ended with ABORT",
                "2:usage error, topics missing or broker unreachable"})
final class AgentCaptureCommand implements Callable<Integer> {
    @ParentCommand
    AgentCommand parent;

    @Option(names = "--checkpoint", required = true, paramLabel = "ID", description = "Checkpoint id to publish under.")
    String checkpointId;

    @Mixin
    SelectionOptions selection;

    @Option(names = "--no-freeze", description = "Do not freeze: scan until two scans agree.")
    boolean noFreeze;

    @Option(names = "--strict-v13", description = "Refuse fd types v13 could not express (as the kernel did).")
    boolean strictV13;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (selection.isEmpty()) throw new CommandLine.ParameterException(spec.commandLine(), "select something: --pid, --tree, --cgroup or --comm");
        KafkaOptions kafka = parent.kafka;
        String host = AgentCommand.validId("--host-id", AgentCommand.resolveHostId(parent.hostId));
        AgentCommand.validId("--checkpoint", checkpointId);
        AgentOutput out = new AgentOutput(spec.commandLine().getOut(), parent.json);
        try (LocalHostCapturer capturer = parent.capturer()) {
            AgentCommand.recoverLeftovers(capturer, spec.commandLine().getErr());
            AgentCommand.awaitTopics(kafka, parent.brokerTimeout.get(spec), spec);
            return publishOnce(kafka, host, capturer, out);
        }
    }

    private int publishOnce(KafkaOptions kafka, String host, LocalHostCapturer capturer, AgentOutput out) {
        try (AgentRuntime agent = new AgentRuntime(kafka.clientConfig(), kafka.topics(), kafka.budget(), host, capturer, FormatOptions.DEFAULT)) {
            CheckpointOptions options = CheckpointOptions.newBuilder().setFreeze(!noFreeze).setStrictV13(strictV13).build();
            CheckpointRunner.Outcome o = agent.runner().run(checkpointId, selection.forHost(host), options);
            return AgentCommand.report(out, o) ? 0 : 1;
        }
    }
}
