package io.fleetckpt.aggregator.resolve;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/** Reads a list of buffers back to back, without copying them into one array first. */
final class BuffersInputStream extends InputStream {
    private final List<ByteBuffer> buffers;
    private int index;

    BuffersInputStream(List<ByteBuffer> buffers) {
        this.buffers = buffers.stream().map(ByteBuffer::duplicate).toList();
    }

    @Override
    public int read() {
        ByteBuffer b = current();
        return b == null ? -1 : b.get() & 0xff;
    }

    @Override
    public int read(byte[] dst, int off, int len) {
        if (len == 0) return 0;
        ByteBuffer b = current();
        if (b == null) return -1;
        int n = Math.min(len, b.remaining());
        b.get(dst, off, n);
        return n;
    }

    private ByteBuffer current() {
        while (index < buffers.size() && !buffers.get(index).hasRemaining()) index++;
        return index < buffers.size() ? buffers.get(index) : null;
    }
}
