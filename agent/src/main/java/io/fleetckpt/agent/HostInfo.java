package io.fleetckpt.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The checkpointing host's uname, as the image header records it. */
public record HostInfo(String release, String version, String machine) {
    public static HostInfo read() throws IOException {
        String arch = System.getProperty("os.arch");
        String machine = switch (arch) {
            case "amd64" -> "x86_64";
            default -> arch;
        };
        return new HostInfo(proc("osrelease"), proc("version"), machine);
    }

    private static String proc(String name) throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel", name), StandardCharsets.UTF_8).strip();
    }

    /** major, minor, patch of the kernel release ("6.18.44-x" → 6, 18, 44). */
    public int[] kernelVersion() {
        int[] v = new int[3];
        String[] parts = release.split("[^0-9]+", 4);
        for (int i = 0; i < 3 && i < parts.length; i++) {
            if (!parts[i].isEmpty()) v[i] = Integer.parseInt(parts[i]);
        }
        return v;
    }
}
