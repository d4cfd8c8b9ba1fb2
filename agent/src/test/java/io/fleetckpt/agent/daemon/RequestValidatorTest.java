package io.fleetckpt.agent.daemon;

import io.fleetckpt.messages.CheckpointOptions;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.HostSelection;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests the aggregator could not store are refused before anything is frozen for them. */
class RequestValidatorTest {
    private static CheckpointRequest request(String id, String... hosts) {
        List<HostSelection> sel = new java.util.ArrayList<>();
        for (String h : hosts) sel.add(HostSelection.newBuilder().setHostId(h).setPids(List.of(1)).build());
        return CheckpointRequest.newBuilder().setCheckpointId(id).setRequestedAtMs(1).setDeadlineMs(2).setRequestedBy("t")
                .setHosts(sel).setOptions(CheckpointOptions.newBuilder().build()).build();
    }

    @Test
    void idsOutsideTheStoreAlphabetAreRefusedByName() {
        assertNull(RequestValidator.problem(request("ck-1", "web-1", "web-2.example")));
        assertTrue(RequestValidator.problem(request("../../etc", "h")).startsWith("invalid checkpointId \"../../etc\""));
        // printable ASCII but not storable: ':' and a leading dot
        assertTrue(RequestValidator.problem(request("ck:1", "h")).startsWith("invalid checkpointId \"ck:1\""));
        assertEquals("invalid hosts[1].hostId \".x\": expected 1-128 characters of [A-Za-z0-9._-] starting with a letter or digit",
                RequestValidator.problem(request("ck-1", "h", ".x")));
        assertTrue(RequestValidator.problem(request("ck-1", "h\u001b[2J")).contains("\"h\\u001b[2J\""));
        assertEquals("hosts[1].hostId \"h\" appears twice", RequestValidator.problem(request("ck-1", "h", "h")));
    }
}
