package io.fleetckpt.cli.bench;

import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How large a benchmark may be made on this machine. A size the machine cannot hold is a usage
 * error naming the options, said before anything is allocated or forked, rather than a JVM that
 * swaps a shared machine for ten minutes.
 */
final class BenchBounds {
    private BenchBounds() {
    }

    /** MemAvailable of /proc/meminfo in MB: what can be taken without swapping; this JVM's max heap if unreadable. */
    static long memAvailableMb() {
        return meminfoMb(Path.of("/proc/meminfo"), "MemAvailable:");
    }

    static long meminfoMb(Path meminfo, String key) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith(key)) {
                    String[] f = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(f[0]) >> 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: no /proc (or an odd one) is no reason to refuse a benchmark
        }
        return Runtime.getRuntime().maxMemory() >> 20;
    }

    /** The hard RLIMIT_NOFILE of this process (children inherit it), from /proc/self/limits; 1,048,576 if unreadable. */
    static long hardNofile() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to Linux's default nr_open
        }
        return 1 << 20;
    }

    /** This JVM's maximum heap in MB. */
    static long maxHeapMb() {
        return Runtime.getRuntime().maxMemory() >> 20;
    }

    /**
     * Refuses {@code entries} fd entries when they need more than {@code limitMb}.
     *
     * @param product    the options that multiply to the size, e.g. {@code "--tasks × --fds"}
     * @param needMb     what {@code entries} need
     * @param of         of what: {@code "heap"}, {@code "disk"}
     * @param maxEntries the most that fit in {@code limitMb}
     * @param limit      what bounds them, e.g. {@code "a 16,384 MB heap: 3/4 of MemAvailable"}
     */
    static void require(CommandLine cl, String product, long entries, long needMb, String of, long maxEntries, String limit) {
        if (entries <= maxEntries) return;
        throw new CommandLine.ParameterException(cl, String.format("%s = %,d fd entries needs ~%,d MB of %s; at most %,d fd entries fit here (%s)",
                product, entries, needMb, of, maxEntries, limit));
    }

    /** {@code a × b} without overflow (saturating), for sizes given as separate options. */
    static long times(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
