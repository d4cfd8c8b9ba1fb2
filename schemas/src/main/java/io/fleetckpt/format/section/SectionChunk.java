package io.fleetckpt.format.section;

/**
 * One payload of a host stream: whole records only, never more bytes than the writer's budget
 * (except BEGIN, which holds the whole tree). Counts describe what starts in this payload.
 *
 * @param taskCount TASK records (task sections that start here)
 * @param fdCount FD_ENT records
 */
public record SectionChunk(SectionKind kind, byte[] payload, int recordCount, int taskCount, int fdCount) {
}
