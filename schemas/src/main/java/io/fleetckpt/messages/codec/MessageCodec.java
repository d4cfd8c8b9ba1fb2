package io.fleetckpt.messages.codec;

import io.fleetckpt.messages.codec.MessageDecodeException.Problem;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encodes and decodes our Kafka messages with Avro single-object encoding: {@code C3 01}, the
 * writer schema's 8-byte CRC-64-AVRO fingerprint (little-endian), then the Avro binary body.
 * Any consumer with the schemas jar can decode a message on its own; every released schema
 * version is registered ({@link SchemaVersions}), and decoding resolves it to the current class.
 *
 * <p>Values on Kafka are untrusted: size is bounded before anything is parsed, and every failure
 * is a {@link MessageDecodeException} naming what is wrong. Thread-safe.
 */
public final class MessageCodec {
    public static final int HEADER_BYTES = 10;
    /** Default bound: larger than any message we write (chunks are at most a few MiB). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = 0x01;

    static {
        AvroLimits.apply(DEFAULT_MAX_MESSAGE_BYTES);
        TrustedMessageClasses.install();
    }

    private final int maxMessageBytes;
    private final SchemaVersions versions;
    private final Map<MessageType, BinaryMessageEncoder<SpecificRecord>> encoders = new EnumMap<>(MessageType.class);
    private final Map<Long, SpecificDatumReader<SpecificRecord>> readers = new ConcurrentHashMap<>();

    public MessageCodec() {
        this(DEFAULT_MAX_MESSAGE_BYTES);
    }

    public MessageCodec(int maxMessageBytes) {
        this(maxMessageBytes, SchemaVersions.get());
    }

    public MessageCodec(int maxMessageBytes, SchemaVersions versions) {
        if (maxMessageBytes < HEADER_BYTES) throw new IllegalArgumentException("message bound too small: " + maxMessageBytes);
        this.maxMessageBytes = maxMessageBytes;
        this.versions = versions;
        for (MessageType t : MessageType.values()) {
            encoders.put(t, new BinaryMessageEncoder<>(SpecificData.getForClass(t.javaClass()), t.currentSchema()));
        }
    }

    public byte[] encode(SpecificRecord message) {
        return encode(message, 256);
    }

    /** As {@link #encode(SpecificRecord)}; {@code sizeHint} avoids regrowing the buffer for large payloads. */
    public byte[] encode(SpecificRecord message, int sizeHint) {
        BinaryMessageEncoder<SpecificRecord> enc = encoders.get(MessageType.of(message.getClass()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, sizeHint));
        try {
            enc.encode(message, out);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding " + message.getClass().getSimpleName(), e);
        } catch (RuntimeException e) {
            // a null in a non-null field, an unset required field: a bug of the caller
            throw new IllegalArgumentException("cannot encode " + message.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Decodes a message of a known type, refusing any other type. */
    public <T extends SpecificRecord> T decode(byte[] bytes, Class<T> expected) throws MessageDecodeException {
        DecodedMessage d = decode(bytes);
        if (d.message().getClass() != expected) {
            throw new MessageDecodeException(Problem.WRONG_TYPE, 2,
                    "expected " + expected.getSimpleName() + " but the message is a " + d.type().schemaName()
                            + " (schema " + d.schemaVersion() + ")", null);
        }
        return expected.cast(d.message());
    }

    /** Decodes a message of any of our types. */
    public DecodedMessage decode(byte[] bytes) throws MessageDecodeException {
        SchemaVersions.Entry writer = writerOf(bytes);
        SpecificDatumReader<SpecificRecord> reader = readers.computeIfAbsent(writer.fingerprint(),
                fp -> new SpecificDatumReader<>(writer.schema(), writer.type().currentSchema(),
                        SpecificData.getForClass(writer.type().javaClass())));
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null);
        SpecificRecord message;
        try {
            message = reader.read(null, in);
            if (!in.isEnd()) {
                throw new MessageDecodeException(Problem.MALFORMED, bytes.length - in.inputStream().available(),
                        "bytes left over after the " + writer.type().schemaName() + " body", null);
            }
        } catch (EOFException e) {
            throw new MessageDecodeException(Problem.TRUNCATED, bytes.length,
                    writer.type().schemaName() + " body ends early (" + bytes.length + " bytes in all)", e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new MessageDecodeException(Problem.MALFORMED, HEADER_BYTES,
                    "cannot parse the " + writer.type().schemaName() + " body (schema " + writer.version() + "): " + e, e);
        }
        return new DecodedMessage(writer.type(), writer.version(), message);
    }

    /** The type of a message from its header alone (cheap: for routing and the tail command). */
    public MessageType peekType(byte[] bytes) throws MessageDecodeException {
        return writerOf(bytes).type();
    }

    private SchemaVersions.Entry writerOf(byte[] bytes) throws MessageDecodeException {
        if (bytes == null || bytes.length == 0) throw new MessageDecodeException(Problem.EMPTY, 0, "empty message value", null);
        if (bytes.length > maxMessageBytes) {
            throw new MessageDecodeException(Problem.TOO_LARGE, 0, bytes.length + " bytes, over the bound of " + maxMessageBytes, null);
        }
        if (bytes[0] != MARKER_0 || (bytes.length > 1 && bytes[1] != MARKER_1)) {
            throw new MessageDecodeException(Problem.NOT_SINGLE_OBJECT, bytes[0] != MARKER_0 ? 0 : 1,
                    String.format("no Avro single-object marker C3 01 (starts with %s)", hexPrefix(bytes)), null);
        }
        if (bytes.length < HEADER_BYTES) {
            throw new MessageDecodeException(Problem.TRUNCATED, bytes.length,
                    "the single-object header needs " + HEADER_BYTES + " bytes, the message has " + bytes.length, null);
        }
        long fp = 0;
        for (int i = 9; i >= 2; i--) fp = (fp << 8) | (bytes[i] & 0xFF);
        SchemaVersions.Entry e = versions.byFingerprint(fp);
        if (e == null) {
            throw new MessageDecodeException(Problem.UNKNOWN_FINGERPRINT, 2,
                    String.format("schema fingerprint %016x is none of the %d registered schema versions", fp, versions.entries().size()), null);
        }
        return e;
    }

    private static String hexPrefix(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) sb.append(String.format("%02x", b[i] & 0xFF));
        return sb.append(b.length > 8 ? "..." : "").toString();
    }
}
