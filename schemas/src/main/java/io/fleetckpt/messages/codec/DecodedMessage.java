package io.fleetckpt.messages.codec;

import org.apache.avro.specific.SpecificRecord;

/**
 * A decoded message with where it came from.
 *
 * @param type          what it is
 * @param schemaVersion the released version that wrote it ({@code v1}, ...) or {@code current}
 * @param message       the message, always in the current generated class
 */
public record DecodedMessage(MessageType type, String schemaVersion, SpecificRecord message) {
    public <T extends SpecificRecord> T as(Class<T> c) {
        return c.cast(message);
    }
}
