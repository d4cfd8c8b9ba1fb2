package io.fleetckpt.aggregator.dlq;

/** Where dead letters go (the DLQ topic; a list in tests). Must not throw on bad content. */
public interface DlqSink {
    void send(DeadLetter letter);
}
