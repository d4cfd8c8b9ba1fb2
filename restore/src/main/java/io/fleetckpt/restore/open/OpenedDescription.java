package io.fleetckpt.restore.open;

import io.fleetckpt.restore.plan.DescriptionPlan;
import io.fleetckpt.restore.report.FdStatus;

import java.util.List;

/**
 * One description as the restorer holds it: {@code fd} is the restorer's own copy (close-on-exec,
 * parked above every target fd number) or -1 when nothing was opened. {@code warnings} name what
 * differs from the image although the description was opened (file now shorter, flags dropped).
 */
public record OpenedDescription(DescriptionPlan plan, int fd, FdStatus status, String why, List<String> warnings) {
    public OpenedDescription {
        warnings = List.copyOf(warnings);
    }

    public boolean placed() {
        return fd >= 0;
    }
}
