package io.fleetckpt.aggregator.resolve;

/**
 * An image file's bytes and what they hold (for the manifest and for checking the read-back).
 *
 * @param fds    FD_ENT records (a shared table's entries count once)
 * @param tables shared fd tables (objrefs that are not open files)
 */
public record EncodedImage(byte[] bytes, int tasks, long fds, int openFiles, int tables) {
}
