package io.fleetckpt.messages.codec;

import org.apache.avro.SystemLimitException;

/**
 * Bounds Avro's allocations while decoding untrusted bytes. Avro reads a length or an item count
 * from the input and allocates before it finds out the input is shorter; its own limits
 * (system properties, read once when Avro first needs them) default to the VM's array limit.
 * Nothing in one of our messages can legitimately exceed the message bound, so that is the limit
 * for bytes and strings, and a million for collection items. Explicit -D settings win.
 */
final class AvroLimits {
    private AvroLimits() {
    }

    static void apply(int maxMessageBytes) {
        setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, maxMessageBytes);
        setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, maxMessageBytes);
        setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, 1_000_000);
    }

    private static void setIfAbsent(String key, int value) {
        if (System.getProperty(key) == null) System.setProperty(key, Integer.toString(value));
    }
}
