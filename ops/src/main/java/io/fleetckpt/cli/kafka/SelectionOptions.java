package io.fleetckpt.cli.kafka;

import io.fleetckpt.messages.HostSelection;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** What to capture on a host: any mix of pids, process trees, cgroups and comm patterns (a mixin). */
public final class SelectionOptions {
    @Option(names = "--pid", paramLabel = "PID", split = ",", converter = PidConverter.class, description = "A process (repeatable, or comma-separated).")
    public List<Integer> pids = new ArrayList<>();

    @Option(names = "--tree", paramLabel = "PID", split = ",", converter = PidConverter.class, description = "A process and all its descendants.")
    public List<Integer> trees = new ArrayList<>();

    @Option(names = "--cgroup", paramLabel = "PATH", description = "Every process of a cgroup and its descendants.")
    public List<String> cgroups = new ArrayList<>();

    @Option(names = "--comm", paramLabel = "REGEX", description = "Processes whose comm matches the regular expression.")
    public List<String> comms = new ArrayList<>();

    public boolean isEmpty() {
        return pids.isEmpty() && trees.isEmpty() && cgroups.isEmpty() && comms.isEmpty();
    }

    public HostSelection forHost(String hostId) {
        return HostSelection.newBuilder().setHostId(hostId)
                .setPids(List.copyOf(pids)).setTrees(List.copyOf(trees))
                .setCgroups(List.copyOf(cgroups)).setCommPatterns(List.copyOf(comms)).build();
    }
}
