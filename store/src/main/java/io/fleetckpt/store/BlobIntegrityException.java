package io.fleetckpt.store;

/** A blob's bytes do not hash to its name: the file was damaged or replaced after it was stored. */
public final class BlobIntegrityException extends StoreException {
    private final String expectedSha256;
    private final String actualSha256;

    public BlobIntegrityException(String expectedSha256, String actualSha256, long bytesRead) {
        super("blob sha256:" + expectedSha256 + " is corrupt: its " + bytesRead
                + " bytes hash to sha256:" + actualSha256);
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    public String expectedSha256() {
        return expectedSha256;
    }

    public String actualSha256() {
        return actualSha256;
    }
}
