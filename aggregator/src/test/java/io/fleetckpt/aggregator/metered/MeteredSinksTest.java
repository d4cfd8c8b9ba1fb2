package io.fleetckpt.aggregator.metered;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetckpt.aggregator.dlq.DeadLetter;
import io.fleetckpt.aggregator.storing.EventSink;
import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.HostOutcome;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.ImageStatus;
import io.fleetckpt.metrics.FleetMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteredSinksTest {
    private static double sample(FleetMetrics m, String series) {
        for (String line : m.scrape().split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        throw new AssertionError("no series " + series + " in\n" + m.scrape());
    }

    private static ImageEvent image(String host, ImageStatus status, String location) {
        return ImageEvent.newBuilder().setCheckpointId("c1").setHostId(host).setStatus(status).setLocation(location)
                .setEventTimeMs(1L).build();
    }

    private static CheckpointEvent checkpoint(String id, ImageStatus status) {
        return CheckpointEvent.newBuilder().setCheckpointId(id).setStatus(status)
                .setHosts(List.of(HostOutcome.newBuilder().setHostId("h1").setStatus(status).build())).setEventTimeMs(1L).build();
    }

    @Test
    void eventsCountStoredImagesAndFailedCheckpointsAndStillReachTheirSink() {
        List<Object> delivered = new ArrayList<>();
        EventSink collector = new EventSink() {
            @Override
            public void imageEvent(ImageEvent event) {
                delivered.add(event);
            }

            @Override
            public void checkpointEvent(CheckpointEvent event) {
                delivered.add(event);
            }
        };
        try (FleetMetrics m = new FleetMetrics("aggregator")) {
            MeteredEventSink sink = new MeteredEventSink(collector, m);
            assertEquals(0.0, sample(m, "fleetckpt_checkpoints_failed_total{role=\"aggregator\",status=\"failed\"}"),
                    "the series exists before the first failure");
            assertEquals(0.0, sample(m, "fleetckpt_checkpoints_failed_total{role=\"aggregator\",status=\"partial\"}"));
            sink.imageEvent(image("h1", ImageStatus.STORED, "images/ab/abcd"));
            sink.imageEvent(image("h2", ImageStatus.PARTIAL, "images/cd/cdef")); // stored, some tasks missing
            sink.imageEvent(image("h3", ImageStatus.FAILED, null));
            sink.checkpointEvent(checkpoint("c1", ImageStatus.PARTIAL));
            sink.checkpointEvent(checkpoint("c2", ImageStatus.STORED));
            sink.checkpointEvent(checkpoint("c3", ImageStatus.FAILED));
            sink.checkpointEvent(checkpoint("c4", ImageStatus.FAILED));

            assertEquals(7, delivered.size());
            assertEquals(2.0, sample(m, "fleetckpt_images_stored_total{role=\"aggregator\"}"));
            assertEquals(1.0, sample(m, "fleetckpt_checkpoints_failed_total{role=\"aggregator\",status=\"partial\"}"));
            assertEquals(2.0, sample(m, "fleetckpt_checkpoints_failed_total{role=\"aggregator\",status=\"failed\"}"));
        }
    }

    @Test
    void deadLettersAreCountedByKind() {
        List<DeadLetter> sent = new ArrayList<>();
        try (FleetMetrics m = new FleetMetrics("aggregator")) {
            MeteredDlqSink dlq = new MeteredDlqSink(sent::add, m);
            for (String kind : List.of("undecodable", "invalid_id", "wrong_key", "crc_mismatch", "format_error")) {
                assertEquals(0.0, sample(m, "fleetckpt_dlq_messages_total{reason=\"" + kind + "\",role=\"aggregator\"}"), kind);
            }
            for (String kind : List.of("CRC_MISMATCH", "CRC_MISMATCH", "NOT_AVRO")) {
                dlq.send(new DeadLetter("fleetckpt.records", 0, 5, null, new byte[] {1}, "why", kind, null, null, null, false));
            }
            assertEquals(3, sent.size());
            assertEquals(2.0, sample(m, "fleetckpt_dlq_messages_total{reason=\"crc_mismatch\",role=\"aggregator\"}"));
            assertEquals(1.0, sample(m, "fleetckpt_dlq_messages_total{reason=\"not_avro\",role=\"aggregator\"}"));
        }
    }
}
