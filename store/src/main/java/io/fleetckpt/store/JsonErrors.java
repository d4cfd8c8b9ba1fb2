package io.fleetckpt.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;

import java.util.regex.Pattern;

/**
 * A Jackson parse error in the words of a one-line error message: where (line, column, and the
 * field when Jackson knows it), then what. Jackson's own text carries its internals: a location
 * block "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1,
 * column: 52]", fully qualified class names, hints about its configuration features.
 */
public final class JsonErrors {
    /** "[Source: ...; line: 1, column: 49]" as Jackson embeds it (a start marker's location) */
    private static final Pattern LOCATION = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");
    /** "(set DeserializationConfig.DeserializationFeature.X to 'false' to allow)" and the like */
    private static final Pattern FEATURE_HINT = Pattern.compile("\\s*\\((?:set|enable|disable) [^()]*Feature[^()]*\\)");
    /** "`io.fleetckpt.store.CheckpointStatus`": the simple name says as much to a user */
    private static final Pattern QUALIFIED_CLASS = Pattern.compile("`(?:[a-z_][\\w]*\\.)+([A-Z][\\w$]*)`");

    private JsonErrors() {
    }

    /** {@code line 1, column 52, at hosts[0].sizeBytes: Cannot deserialize ...} */
    public static String describe(JacksonException e) {
        String what = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").strip();
        what = LOCATION.matcher(what).replaceAll("line $1, column $2");
        what = FEATURE_HINT.matcher(what).replaceAll("");
        what = QUALIFIED_CLASS.matcher(what).replaceAll("`$1`");
        StringBuilder where = new StringBuilder();
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) where.append("line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr());
        String path = e instanceof JsonMappingException m ? path(m) : "";
        if (!path.isEmpty()) where.append(where.length() > 0 ? ", " : "").append("at ").append(path);
        return where.length() == 0 ? what : where + ": " + what;
    }

    /** {@code hosts[0].image.sizeBytes} */
    private static String path(JsonMappingException m) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) b.append(b.length() > 0 ? "." : "").append(r.getFieldName());
            else if (r.getIndex() >= 0) b.append('[').append(r.getIndex()).append(']');
        }
        return b.toString();
    }
}
