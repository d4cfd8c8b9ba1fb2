package io.fleetckpt.agent.sys;

import java.nio.ByteBuffer;

/**
 * One thread's native memory for the calls that take pointers: a name (NUL-terminated) and a
 * data buffer, at fixed addresses. Handing jnr-ffi addresses instead of Java arrays lets it take
 * its fast path (primitive arguments only) and lets us copy back just the bytes the kernel
 * filled; with arrays it copies each whole array in and out through a slower JNI call, which cost
 * about 1 µs per fd in a capture (five calls with buffers of up to 512 bytes), and 64 KiB per
 * getdents64. Nothing is pinned, so a call blocked in the kernel holds up no garbage collection
 * (see {@link JnrSyscalls}).
 */
final class NativeScratch {
    /** PATH_MAX plus the NUL. */
    private static final int NAME_BYTES = 4097;
    private static final int INITIAL_DATA = 64 * 1024;

    private final jnr.ffi.Runtime runtime;
    private ByteBuffer name;
    private long nameAddress;
    private ByteBuffer data;
    private long dataAddress;

    NativeScratch(jnr.ffi.Runtime runtime) {
        this.runtime = runtime;
        this.name = ByteBuffer.allocateDirect(NAME_BYTES);
        this.nameAddress = address(name);
        this.data = ByteBuffer.allocateDirect(INITIAL_DATA);
        this.dataAddress = address(data);
    }

    private long address(ByteBuffer b) {
        return jnr.ffi.Pointer.wrap(runtime, b).address();
    }

    /**
     * Copies {@code s} up to and including its NUL (one is added if the caller left it out).
     *
     * @return the name's address
     */
    long name(byte[] s) {
        int len = 0;
        while (len < s.length && s[len] != 0) len++;
        if (len + 1 > name.capacity()) {
            name = ByteBuffer.allocateDirect(len + 1);
            nameAddress = address(name);
        }
        name.put(0, s, 0, len);
        name.put(len, (byte) 0);
        return nameAddress;
    }

    /** @return the address of a data buffer of at least {@code size} bytes (contents undefined) */
    long data(int size) {
        if (size > data.capacity()) {
            data = ByteBuffer.allocateDirect(size);
            dataAddress = address(data);
        }
        return dataAddress;
    }

    /** Copies the first {@code n} bytes of the data buffer into {@code out}; nothing when n ≤ 0. */
    void copyOut(byte[] out, long n) {
        if (n > 0) data.get(0, out, 0, (int) Math.min(n, out.length));
    }
}
