package io.fleetckpt.messages.codec;

import io.fleetckpt.messages.CheckpointEvent;
import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.RecordChunk;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** The kinds of message on our topics, with their generated classes and current schemas. */
public enum MessageType {
    CHECKPOINT_REQUEST(CheckpointRequest.class, CheckpointRequest.getClassSchema()),
    RECORD_CHUNK(RecordChunk.class, RecordChunk.getClassSchema()),
    IMAGE_EVENT(ImageEvent.class, ImageEvent.getClassSchema()),
    CHECKPOINT_EVENT(CheckpointEvent.class, CheckpointEvent.getClassSchema());

    private final Class<? extends SpecificRecord> javaClass;
    private final Schema currentSchema;

    MessageType(Class<? extends SpecificRecord> javaClass, Schema currentSchema) {
        this.javaClass = javaClass;
        this.currentSchema = currentSchema;
    }

    public Class<? extends SpecificRecord> javaClass() {
        return javaClass;
    }

    public Schema currentSchema() {
        return currentSchema;
    }

    /** The schema's full name, e.g. {@code io.fleetckpt.messages.RecordChunk}. */
    public String schemaName() {
        return currentSchema.getFullName();
    }

    public static MessageType of(Class<?> c) {
        for (MessageType t : values()) if (t.javaClass == c) return t;
        throw new IllegalArgumentException("not a fleetckpt message class: " + c.getName());
    }

    static MessageType bySchemaName(String fullName) {
        for (MessageType t : values()) if (t.schemaName().equals(fullName)) return t;
        return null;
    }
}
