package io.fleetckpt.aggregator.resolve;

import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.record.PidsEntry;

import java.util.List;

/** A host stream decoded: HEAD, the TREE's pids in tree order, and the task sections as sent. */
public record ParsedStream(ImageHeader header, List<PidsEntry> tree, List<TaskSection> sections) {
    public ParsedStream {
        tree = List.copyOf(tree);
        sections = List.copyOf(sections);
    }
}
