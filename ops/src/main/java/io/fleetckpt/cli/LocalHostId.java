package io.fleetckpt.cli;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's host id: its hostname, reduced to the characters ids may hold. */
final class LocalHostId {
    private LocalHostId() {
    }

    static String get() {
        String name = null;
        try {
            name = Files.readString(Path.of("/etc/hostname")).trim();
        } catch (Exception ignored) {
            // fall back to the resolver
        }
        if (name == null || name.isEmpty()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (Exception ignored) {
                name = "localhost";
            }
        }
        String id = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (id.length() > 128) id = id.substring(0, 128);
        return id.isEmpty() ? "localhost" : id;
    }
}
