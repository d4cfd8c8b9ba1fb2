package io.fleetckpt.store;

/**
 * A blob in the store: its SHA-256 (lowercase hex), its size and its path relative to the store
 * root ({@code blobs/sha256/<2 hex>/<64 hex>}).
 */
public record StoredBlob(String sha256, long sizeBytes, String path) {
    public StoredBlob {
        StoreIds.checkSha256(sha256);
        if (sizeBytes < 0) throw new IllegalArgumentException("negative blob size " + sizeBytes);
        if (!path.equals(relativePath(sha256))) {
            throw new IllegalArgumentException("blob path " + path + " does not match sha256:" + sha256);
        }
    }

    public static StoredBlob of(String sha256, long sizeBytes) {
        return new StoredBlob(sha256, sizeBytes, relativePath(sha256));
    }

    public static String relativePath(String sha256) {
        return "blobs/sha256/" + sha256.substring(0, 2) + "/" + sha256;
    }
}
