package io.fleetckpt.messages.codec;

import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.ChunkKind;
import io.fleetckpt.messages.HostOutcome;
import io.fleetckpt.messages.HostSelection;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.ImageStatus;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.StreamTotals;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate generated classes it was not told to trust (a guard against
 * schemas naming arbitrary classes). We trust exactly our generated message classes, added to
 * whatever the application already trusts. Runs once, before the codec's first use.
 */
public final class TrustedMessageClasses {
    private static boolean installed;

    private TrustedMessageClasses() {
    }

    public static synchronized void install() {
        if (installed) return;
        installed = true;
        ClassSecurityValidator.Builder ours = ClassSecurityValidator.builder();
        for (Class<?> c : new Class<?>[] {CheckpointRequest.class, HostSelection.class, CheckpointOptions.class,
                RecordChunk.class, ChunkKind.class, StreamTotals.class, ImageEvent.class, ImageStatus.class,
                CheckpointEvent.class, HostOutcome.class}) {
            ours.add(c);
        }
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours.build()));
    }
}
