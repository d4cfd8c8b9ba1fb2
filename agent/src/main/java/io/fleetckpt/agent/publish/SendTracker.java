package io.fleetckpt.agent.publish;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches every send callback of one host stream: remembers the first failure (and the sequence
 * it hit) so the publisher stops and aborts, and counts acknowledgements.
 */
final class SendTracker {
    private final SendListener listener;
    private final AtomicLong acked = new AtomicLong();
    private volatile Exception failure;
    private volatile long failedSequence = -1;

    SendTracker(SendListener listener) {
        this.listener = listener;
    }

    Callback callbackFor(long sequence) {
        return (RecordMetadata md, Exception e) -> {
            if (e == null) {
                acked.incrementAndGet();
                listener.acknowledged();
            } else {
                fail(sequence, e);
            }
        };
    }

    synchronized void fail(long sequence, Exception e) {
        listener.failed();
        if (failure == null) {
            failure = e;
            failedSequence = sequence;
        }
    }

    boolean failed() {
        return failure != null;
    }

    Exception failure() {
        return failure;
    }

    long failedSequence() {
        return failedSequence;
    }

    long acked() {
        return acked.get();
    }
}
