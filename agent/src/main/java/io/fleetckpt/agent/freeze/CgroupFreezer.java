package io.fleetckpt.agent.freeze;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The freezer interface of one cgroup hierarchy: v2 {@code cgroup.freeze} or v1 {@code freezer.state}. */
public enum CgroupFreezer {
    V2("cgroup.freeze", "1", "0", "cgroup.events") {
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
    V1("freezer.state", "FROZEN", "THAWED", "freezer.state") {
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

    private final String controlFile;
    private final String freezeValue;
    private final String thawValue;
    private final String stateFile;

    CgroupFreezer(String controlFile, String freezeValue, String thawValue, String stateFile) {
        this.controlFile = controlFile;
        this.freezeValue = freezeValue;
        this.thawValue = thawValue;
        this.stateFile = stateFile;
    }

    /** Whether the state text read from {@link #stateFile} says "every task frozen". */
    boolean reachedIn(String state) {
        if (this == V1) return state.trim().equals("FROZEN");
        for (String line : state.split("\n")) {
            if (line.startsWith("frozen ")) return line.substring(7).trim().equals("1");
        }
        return false;
    }

    /**
     * The control and state files of one cgroup, opened before the frozen window so that
     * freezing, polling and thawing inside it are a pwrite or pread each.
     */
    public Control open(Path dir) throws IOException {
        return new Control(this, dir);
    }

    public static final class Control implements AutoCloseable {
        private final CgroupFreezer kind;
        private final Path dir;
        private final java.nio.channels.FileChannel control;
        private final java.nio.channels.FileChannel state;
        private final java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(512);

        private Control(CgroupFreezer kind, Path dir) throws IOException {
            this.kind = kind;
            this.dir = dir;
            this.control = java.nio.channels.FileChannel.open(dir.resolve(kind.controlFile), java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileChannel st;
            try {
                st = java.nio.channels.FileChannel.open(dir.resolve(kind.stateFile), java.nio.file.StandardOpenOption.READ);
            } catch (IOException e) {
                control.close();
                throw e;
            }
            this.state = st;
        }

        public Path dir() {
            return dir;
        }

        public CgroupFreezer kind() {
            return kind;
        }

        public void set(boolean frozen) throws IOException {
            control.write(java.nio.ByteBuffer.wrap((frozen ? kind.freezeValue : kind.thawValue).getBytes(StandardCharsets.US_ASCII)), 0);
        }

        public boolean reached() throws IOException {
            buf.clear();
            int n = state.read(buf, 0);
            return n > 0 && kind.reachedIn(new String(buf.array(), 0, n, StandardCharsets.US_ASCII));
        }

        @Override
        public void close() throws IOException {
            try {
                control.close();
            } finally {
                state.close();
            }
        }
    }

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
