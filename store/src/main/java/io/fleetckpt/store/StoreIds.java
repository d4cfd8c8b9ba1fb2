package io.fleetckpt.store;

import io.fleetckpt.messages.codec.MessageIds;

import java.util.regex.Pattern;

/**
 * Checkpoint and host ids become directory and file names, and they arrive from Kafka messages
 * anybody may write: only {@link MessageIds}' alphabet is accepted, so no id can climb out of the
 * store ("..", "/"), hide (leading dot) or smuggle control bytes into a path.
 */
public final class StoreIds {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private StoreIds() {
    }

    public static boolean isSafe(String id) {
        return MessageIds.isValid(id);
    }

    public static String checkCheckpointId(String id) {
        return check("checkpoint id", id);
    }

    public static String checkHostId(String id) {
        return check("host id", id);
    }

    public static String checkSha256(String hex) {
        if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid sha256 " + MessageIds.quote(hex)
                    + ": expected 64 lowercase hex digits");
        }
        return hex;
    }

    private static String check(String what, String id) {
        String problem = MessageIds.problem(what, id);
        if (problem != null) throw new IllegalArgumentException(problem);
        return id;
    }
}
