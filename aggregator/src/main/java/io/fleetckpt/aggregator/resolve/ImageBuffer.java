package io.fleetckpt.aggregator.resolve;

/**
 * Working memory one thread reuses from image to image (each thread of the aggregator's store
 * pool has one): the output array of the fast path and its per-objref table. Without it every
 * image costs a stream-sized array, a copy to the exact size and a growing table, which for a
 * host of 1 MB is 2-3 MB of garbage. Arrays beyond {@link #MAX_KEPT_BYTES} are not kept, so what
 * stays allocated per thread is bounded whatever the largest host.
 */
public final class ImageBuffer {
    static final int MAX_KEPT_BYTES = 4 << 20;
    private static final int MAX_KEPT_OBJREFS = 1 << 18;
    private byte[] bytes = new byte[0];
    private long[] objrefs = new long[1024];

    /** An array of at least {@code n} bytes; its content is garbage. */
    byte[] bytes(int n) {
        if (bytes.length >= n) return bytes;
        byte[] b = new byte[n];
        if (n <= MAX_KEPT_BYTES) bytes = b;
        return b;
    }

    /**
     * A per-objref table of at least {@code n} entries holding what {@code current} held (null
     * at the start of an image); other entries are garbage.
     */
    long[] objrefs(long[] current, int n) {
        if (current == null && objrefs.length >= n) return objrefs;
        if (current != null && current.length >= n) return current;
        long[] t = new long[Math.max(n, current == null ? 1024 : current.length * 2)];
        if (current != null) System.arraycopy(current, 0, t, 0, current.length);
        if (t.length <= MAX_KEPT_OBJREFS) objrefs = t;
        return t;
    }
}
