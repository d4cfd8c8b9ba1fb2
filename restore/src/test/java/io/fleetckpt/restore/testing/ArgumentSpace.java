package io.fleetckpt.restore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's room for an exec's arguments and environment (fs/exec.c: a quarter of the stack
 * limit, at most 6 MiB, at least 128 KiB; each string counted with its NUL, each pointer 8 bytes),
 * and environments that fill it to a chosen margin, so a test can make one exec fail with E2BIG.
 */
public final class ArgumentSpace {
    private static final long MIN = 128 << 10;
    private static final long MAX = 6 << 20;
    /** Below the kernel's 128 KiB bound for a single string. */
    private static final int VALUE_BYTES = 100_000;

    private ArgumentSpace() {
    }

    public static long bytes() throws IOException {
        String line = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max stack size")).findFirst().orElseThrow();
        String soft = line.substring("Max stack size".length()).trim().split("\\s+")[0];
        long stack = soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        return Math.max(MIN, Math.min(MAX, stack / 4));
    }

    /** An environment that leaves {@code margin} bytes of the argument space for an exec of {@code argv}. */
    public static Map<String, String> fillingAllBut(long margin, List<byte[]> argv) throws IOException {
        long left = bytes() - margin;
        for (byte[] a : argv) left -= a.length + 1 + 8;
        left -= argv.get(0).length + 1; // the kernel copies the file name too
        left -= 8; // the NULL ending envp
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; left > 0; i++) {
            String name = "FILL" + i;
            long overhead = name.length() + 2 + 8; // '=' and NUL, the pointer
            int len = (int) Math.min(VALUE_BYTES, left - overhead);
            if (len <= 0) break;
            env.put(name, "x".repeat(len));
            left -= overhead + len;
        }
        return env;
    }
}
