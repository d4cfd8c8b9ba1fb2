package io.fleetckpt.store;

import java.util.regex.Pattern;

/**
 * Checkpoint and host ids become directory and file names, and they arrive from Kafka messages
 * anybody may write. Only a conservative alphabet is accepted, so no id can climb out of the
 * store ("..", "/"), hide (leading dot) or smuggle control bytes into a path.
 */
public final class StoreIds {
    /** First character alphanumeric (so never "." or ".."), then letters, digits, '.', '_', '-'. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private StoreIds() {
    }

    public static boolean isSafe(String id) {
        return id != null && SAFE_ID.matcher(id).matches();
    }

    public static String checkCheckpointId(String id) {
        return check("checkpoint id", id);
    }

    public static String checkHostId(String id) {
        return check("host id", id);
    }

    public static String checkSha256(String hex) {
        if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid sha256 " + quote(hex)
                    + ": expected 64 lowercase hex digits");
        }
        return hex;
    }

    private static String check(String what, String id) {
        if (!isSafe(id)) {
            throw new IllegalArgumentException("invalid " + what + " " + quote(id)
                    + ": expected 1-128 characters of [A-Za-z0-9._-] starting with a letter or digit");
        }
        return id;
    }

    private static String quote(String s) {
        if (s == null) return "null";
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}
