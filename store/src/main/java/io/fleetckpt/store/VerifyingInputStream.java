package io.fleetckpt.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Hashes every byte it returns and checks the digest when the underlying stream ends. */
final class VerifyingInputStream extends FilterInputStream {
    private final String expectedSha256;
    private final MessageDigest digest = Sha256.newDigest();
    private long count;
    private boolean verified;

    VerifyingInputStream(InputStream in, String expectedSha256) {
        super(in);
        this.expectedSha256 = expectedSha256;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) verify();
        else {
            digest.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) verify();
        else {
            digest.update(buf, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipping would leave bytes unhashed: read them instead
        byte[] scratch = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, left));
            if (r < 0) break;
            left -= r;
        }
        return n - left;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verify() throws BlobIntegrityException {
        if (verified) return;
        verified = true;
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(expectedSha256)) throw new BlobIntegrityException(expectedSha256, actual, count);
    }
}
