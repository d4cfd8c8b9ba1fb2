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

import java.nio.ByteBuffer;
import java.util.List;

/** Sample messages with every field set to something recognisable. */
final class Messages {
    private Messages() {
    }

    static CheckpointRequest request() {
        return CheckpointRequest.newBuilder()
                .setCheckpointId("ck-1").setRequestedAtMs(1_700_000_000_000L).setDeadlineMs(1_700_000_060_000L)
                .setRequestedBy("ops@h0")
                .setHosts(List.of(HostSelection.newBuilder().setHostId("h1").setPids(List.of(1, 42))
                        .setTrees(List.of(7)).setCgroups(List.of("/sys/fs/cgroup/app")).setCommPatterns(List.of("java.*")).build()))
                .setOptions(CheckpointOptions.newBuilder().setFreeze(true).setStrictV13(false).build())
                .build();
    }

    static RecordChunk chunk() {
        return RecordChunk.newBuilder()
                .setCheckpointId("ck-1").setHostId("h1").setAgentRunId("run-9").setSequence(3).setKind(ChunkKind.END)
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                .setCrc32c(0xCAFEBABEL).setRecordCount(1).setTaskCount(0).setFdCount(0)
                .setTotals(StreamTotals.newBuilder().setChunks(3).setRecords(40).setTasks(2).setFds(30).setOpenFiles(20)
                        .setPayloadBytes(9000).setSha256("ab".repeat(32)).setCapturedAtMs(5).setFrozen(true)
                        .setFrozenWindowUs(1234).setPartialReason(null).build())
                .setAbortReason(null)
                .build();
    }

    static ImageEvent imageEvent() {
        return ImageEvent.newBuilder().setCheckpointId("ck-1").setHostId("h1").setStatus(ImageStatus.STORED)
                .setLocation("/store/blobs/ab").setSha256("cd".repeat(32)).setSizeBytes(4096).setTaskCount(2)
                .setFdCount(30).setReason(null).setEventTimeMs(99).build();
    }

    static CheckpointEvent checkpointEvent() {
        return CheckpointEvent.newBuilder().setCheckpointId("ck-1").setStatus(ImageStatus.PARTIAL)
                .setManifestLocation("/store/manifests/ck-1.json")
                .setHosts(List.of(HostOutcome.newBuilder().setHostId("h1").setStatus(ImageStatus.STORED).setSha256("ef").setReason(null).build(),
                        HostOutcome.newBuilder().setHostId("h2").setStatus(ImageStatus.FAILED).setSha256(null).setReason("deadline").build()))
                .setEventTimeMs(100).build();
    }
}
