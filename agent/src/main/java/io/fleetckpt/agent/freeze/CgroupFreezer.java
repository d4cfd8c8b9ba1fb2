package io.fleetckpt.agent.freeze;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The freezer interface of one cgroup hierarchy: v2 {@code cgroup.freeze} or v1 {@code freezer.state}. */
public enum CgroupFreezer {
    V2 {
        @Override
        public boolean frozenOrFreezing(Path dir) throws IOException {
            return read(dir.resolve("cgroup.freeze")).trim().equals("1") || reached(dir);
        }

        @Override
        public boolean reached(Path dir) throws IOException {
            for (String line : read(dir.resolve("cgroup.events")).split("\n")) {
                if (line.startsWith("frozen ")) return line.substring(7).trim().equals("1");
            }
            return false;
        }

        @Override
        public void set(Path dir, boolean frozen) throws IOException {
            write(dir.resolve("cgroup.freeze"), frozen ? "1" : "0");
        }
    },
    V1 {
        @Override
        public boolean frozenOrFreezing(Path dir) throws IOException {
            String s = read(dir.resolve("freezer.state")).trim();
            return s.equals("FROZEN") || s.equals("FREEZING");
        }

        @Override
        public boolean reached(Path dir) throws IOException {
            return read(dir.resolve("freezer.state")).trim().equals("FROZEN");
        }

        @Override
        public void set(Path dir, boolean frozen) throws IOException {
            write(dir.resolve("freezer.state"), frozen ? "FROZEN" : "THAWED");
        }
    };

    /** Frozen, or asked to freeze, by someone: such a cgroup is left as it is. */
    public abstract boolean frozenOrFreezing(Path dir) throws IOException;

    /** Every task of the cgroup (and below) is frozen. */
    public abstract boolean reached(Path dir) throws IOException;

    public abstract void set(Path dir, boolean frozen) throws IOException;

    /** Moves a whole process (all its threads) into the cgroup. */
    public void move(int pid, Path dir) throws IOException {
        write(dir.resolve("cgroup.procs"), Integer.toString(pid));
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.US_ASCII);
    }

    static void write(Path p, String value) throws IOException {
        if (!Files.exists(p)) throw new NoSuchFileException(p.toString());
        Files.writeString(p, value, StandardCharsets.US_ASCII);
    }
}
