package io.fleetckpt.messages.codec;

import io.fleetckpt.messages.CheckpointRequest;
import io.fleetckpt.messages.ImageEvent;
import io.fleetckpt.messages.RecordChunk;
import io.fleetckpt.messages.codec.MessageDecodeException.Problem;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class MessageCodecTest {
    private final MessageCodec codec = new MessageCodec();

    @Test
    void everyMessageTypeRoundTrips() throws Exception {
        for (SpecificRecord m : List.of(Messages.request(), Messages.chunk(), Messages.imageEvent(), Messages.checkpointEvent())) {
            byte[] bytes = codec.encode(m);
            assertEquals((byte) 0xC3, bytes[0]);
            assertEquals((byte) 0x01, bytes[1]);
            DecodedMessage d = codec.decode(bytes);
            assertEquals(m, d.message());
            assertEquals(MessageType.of(m.getClass()), d.type());
            assertEquals(d.type(), codec.peekType(bytes));
            assertEquals(m, codec.decode(bytes, m.getClass()));
        }
    }

    @Test
    void encodingIsAvroSingleObjectAsAnyAvroConsumerReadsIt() throws Exception {
        // an outside consumer with the schemas jar decodes with Avro's generated decoder alone
        byte[] bytes = codec.encode(Messages.chunk());
        assertEquals(Messages.chunk(), RecordChunk.getDecoder().decode(bytes));
        assertArrayEquals(bytes, toArray(Messages.chunk().toByteBuffer()));
    }

    @Test
    void messagesWrittenWithAnOlderReleaseDecodeWithDefaults() throws Exception {
        SchemaVersions history = SchemaVersions.load("/io/fleetckpt/messages/testhistory/", List.of("v0"));
        MessageCodec withHistory = new MessageCodec(MessageCodec.DEFAULT_MAX_MESSAGE_BYTES, history);
        Schema v0 = history.release("v0").get(MessageType.RECORD_CHUNK);
        RecordChunk current = Messages.chunk();
        GenericRecordBuilder b = new GenericRecordBuilder(v0);
        for (Schema.Field f : v0.getFields()) {
            Object v = current.get(f.name());
            if (v instanceof SpecificRecord sr) v = GenericData.get().deepCopy(sr.getSchema(), sr);
            if (v instanceof Enum<?> e) v = new GenericData.EnumSymbol(f.schema(), e.name());
            b.set(f.name(), v);
        }
        GenericRecord old = b.build();
        byte[] bytes = encodeGeneric(v0, old);

        DecodedMessage d = withHistory.decode(bytes);
        assertEquals("v0", d.schemaVersion());
        RecordChunk r = d.as(RecordChunk.class);
        assertEquals("ck-1", r.getCheckpointId());
        assertEquals(3, r.getSequence());
        assertEquals(40, r.getTotals().getRecords());
        assertNull(r.getAbortReason(), "field added after v0 takes its default");

        // the production codec has never heard of v0: a typed error, not a guess
        MessageDecodeException e = assertThrows(MessageDecodeException.class, () -> codec.decode(bytes));
        assertEquals(Problem.UNKNOWN_FINGERPRINT, e.problem());
        assertEquals(2, e.offset());
    }

    @Test
    void garbageGetsTypedErrors() {
        assertProblem(Problem.EMPTY, new byte[0]);
        assertProblem(Problem.EMPTY, null);
        assertProblem(Problem.NOT_SINGLE_OBJECT, "{\"json\":true}".getBytes());
        assertProblem(Problem.NOT_SINGLE_OBJECT, new byte[] {(byte) 0xC3, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertProblem(Problem.TRUNCATED, new byte[] {(byte) 0xC3, 0x01, 5});
        assertProblem(Problem.UNKNOWN_FINGERPRINT, new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0});
        assertProblem(Problem.TOO_LARGE, new MessageCodec(64), new byte[65]);
    }

    @Test
    void wrongTypeIsNamed() {
        byte[] bytes = codec.encode(Messages.imageEvent());
        MessageDecodeException e = assertThrows(MessageDecodeException.class, () -> codec.decode(bytes, RecordChunk.class));
        assertEquals(Problem.WRONG_TYPE, e.problem());
        assertTrue(e.getMessage().contains("ImageEvent"), e.getMessage());
    }

    @Test
    void trailingBytesAreMalformed() throws Exception {
        byte[] ok = codec.encode(Messages.imageEvent());
        byte[] longer = Arrays.copyOf(ok, ok.length + 3);
        MessageDecodeException e = assertThrows(MessageDecodeException.class, () -> codec.decode(longer));
        assertEquals(Problem.MALFORMED, e.problem());
        assertEquals(ok.length, e.offset());
    }

    @Test
    void truncationAtEveryOffsetIsATypedError() {
        for (SpecificRecord m : List.of(Messages.request(), Messages.chunk(), Messages.checkpointEvent())) {
            byte[] ok = codec.encode(m);
            for (int n = 1; n < ok.length; n++) {
                byte[] cut = Arrays.copyOf(ok, n);
                MessageDecodeException e = assertThrows(MessageDecodeException.class, () -> codec.decode(cut),
                        m.getClass().getSimpleName() + " cut to " + n);
                assertTrue(e.problem() == Problem.TRUNCATED || e.problem() == Problem.MALFORMED,
                        "cut to " + n + ": " + e.problem());
            }
        }
    }

    @Test
    void hostileLengthsDoNotAllocate() {
        byte[] header = Arrays.copyOf(codec.encode(Messages.imageEvent()), MessageCodec.HEADER_BYTES);
        // checkpointId claims a string of 2^30 bytes; hostId etc. never come
        byte[] body = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        byte[] msg = concat(header, body);
        MessageDecodeException e = assertThrows(MessageDecodeException.class, () -> codec.decode(msg));
        assertTrue(e.problem() == Problem.MALFORMED || e.problem() == Problem.TRUNCATED, e.toString());

        byte[] reqHeader = Arrays.copyOf(codec.encode(Messages.request()), MessageCodec.HEADER_BYTES);
        // id "a", times, requestedBy "", then a hosts array of 2^31-ish items
        byte[] reqBody = {2, 'a', 2, 2, 0, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        byte[] req = concat(reqHeader, reqBody);
        e = assertThrows(MessageDecodeException.class, () -> codec.decode(req));
        assertTrue(e.problem() == Problem.MALFORMED || e.problem() == Problem.TRUNCATED, e.toString());
    }

    @Test
    void flippedBytesNeverEscapeAsOtherExceptions() {
        Random rnd = new Random(42);
        byte[] ok = codec.encode(Messages.request());
        for (int i = 0; i < 3000; i++) {
            byte[] bad = ok.clone();
            int flips = 1 + rnd.nextInt(3);
            for (int k = 0; k < flips; k++) bad[MessageCodec.HEADER_BYTES + rnd.nextInt(bad.length - MessageCodec.HEADER_BYTES)] ^= (byte) (1 << rnd.nextInt(8));
            try {
                codec.decode(bad);
            } catch (MessageDecodeException expected) {
                // typed: fine
            } catch (RuntimeException | Error other) {
                fail("flip round " + i + " escaped as " + other, other);
            }
        }
    }

    private void assertProblem(Problem p, byte[] bytes) {
        assertProblem(p, codec, bytes);
    }

    private static void assertProblem(Problem p, MessageCodec c, byte[] bytes) {
        MessageDecodeException e = assertThrows(MessageDecodeException.class, () -> c.decode(bytes));
        assertEquals(p, e.problem(), e.getMessage());
    }

    private static byte[] encodeGeneric(Schema s, GenericRecord r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), s).encode(r, out);
        return out.toByteArray();
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @SuppressWarnings("unused")
    private static Class<?>[] used = {CheckpointRequest.class, ImageEvent.class};
}
