package io.fleetckpt.messages.codec;

import java.util.regex.Pattern;

/**
 * The checkpoint and host ids the pipeline accepts. They become directory and file names in the
 * store and arrive in messages anybody may write, so one conservative alphabet holds everywhere:
 * the requester and the agent refuse other ids before anything is frozen, the aggregator
 * dead-letters them, the store never sees them. No id can climb out of a directory ("..", "/"),
 * hide (leading dot) or carry control bytes.
 */
public final class MessageIds {
    /** The rule, as error messages state it. */
    public static final String RULE = "1-128 characters of [A-Za-z0-9._-] starting with a letter or digit";
    /** First character alphanumeric (so never "." or ".."), then letters, digits, '.', '_', '-'. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int SHOWN_CHARS = 80;

    private MessageIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /**
     * @param what what the id is, e.g. "checkpoint id"
     * @return null if {@code id} is valid, else a one-line message naming it (quoted, shortened)
     */
    public static String problem(String what, String id) {
        return isValid(id) ? null : "invalid " + what + " " + quote(id) + ": expected " + RULE;
    }

    /**
     * A hostile string made safe to print on one line: at most 80 characters, in double quotes,
     * anything outside printable ASCII (and the quote and backslash) escaped as \\uXXXX.
     */
    public static String quote(String s) {
        if (s == null) return "null";
        String shown = "\"" + escape(s.substring(0, Math.min(s.length(), SHOWN_CHARS)), true) + "\"";
        return s.length() > SHOWN_CHARS ? shown + "... (" + s.length() + " characters)" : shown;
    }

    /** As {@link #quote}, without quotes or shortening: for text that is ours around untrusted parts. */
    public static String escape(String s) {
        return s == null ? "null" : escape(s, false);
    }

    private static String escape(String s, boolean quotes) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\' && !(quotes && c == '"')) b.append(c);
            else b.append(String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }
}
