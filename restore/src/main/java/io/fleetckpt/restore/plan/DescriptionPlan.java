package io.fleetckpt.restore.plan;

import io.fleetckpt.format.model.OpenFile;

/**
 * The decision for one open file description: {@code relativePath} is the saved path without its
 * leading slash (what is opened beneath the root) when the action is OPEN; {@code why} says why
 * the description is not reopened when it is not.
 */
public record DescriptionPlan(OpenFile file, Action action, byte[] relativePath, String why) {
    public int objref() {
        return file.objref();
    }
}
