package io.fleetckpt.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageEvent;
import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.ImageWriter;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.OpenFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fleetckpt bench codec}: encode and decode+validate throughput of the kernel-format
 * codec on one thread, against the memory floor (a plain copy of the same bytes) measured in the
 * same run. MB = 10^6 bytes. Reports the median of the measured iterations, measured in a forked
 * JVM with a pre-touched heap ({@link PretouchedFork} says why) unless {@code --in-process}.
 */
@Command(name = "codec",
        mixinStandardHelpOptions = true,
        description = {"Encode and decode+validate throughput of the image codec on one core, with the raw copy"
                + " speed of the same bytes as the floor. Default image: 1,000 tasks x 1,000 fds"
                + " (about 1M fd entries) with inherited and shared open files and a shared fd table"
                + " in every tenth task. Measured in a forked JVM whose heap is fixed and touched before it starts"
                + " (and which ends with this command); sizes needing more than 3/4 of MemAvailable or a 16 GB heap"
                + " are refused."
                + " The last line is one JSON object."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:benchmark ran", "2:usage error or failure"})
public final class CodecBenchCommand implements Callable<Integer> {
    /** The goal of issue 2, printed next to the result. */
    static final double GOAL_DECODE_MB_S = 500;

    @Spec
    CommandSpec spec;

    @Option(names = "--tasks", defaultValue = "1000", description = "tasks in the image (default ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--fds", defaultValue = "1000", description = "fds per task (default ${DEFAULT-VALUE})")
    int fds;

    @Option(names = "--warmup", defaultValue = "3", description = "warm-up iterations, not measured (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--iterations", defaultValue = "5", description = "measured iterations (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the synthetic image")
    long seed;

    @Option(names = "--in-process", description = "measure in this JVM instead of a forked one with a fixed,"
            + " pre-touched heap (where first touches of memory are slow, iterations that allocate on fresh heap"
            + " then run several times slower)")
    boolean inProcess;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (tasks < 1 || fds < 0 || iterations < 1 || warmup < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--tasks >= 1, --fds >= 0, --iterations >= 1, --warmup >= 0");
        }
        long entries = checkSize();
        if (!inProcess) {
            long heapMb = heapMb(entries);
            err.printf("forking a JVM with a %,d MB heap touched before it starts (--in-process: measure here)%n", heapMb);
            err.flush();
            return PretouchedFork.run(heapMb, List.of("bench", "codec", "--in-process", "--tasks", Integer.toString(tasks),
                    "--fds", Integer.toString(fds), "--warmup", Integer.toString(warmup), "--iterations",
                    Integer.toString(iterations), "--seed", Long.toString(seed)), out, err);
        }
        PretouchedFork.exitWithParent();
        err.printf("building a synthetic image of %d tasks x %d fds...%n", tasks, fds);
        err.flush();
        long t0 = System.nanoTime();
        Image image = SyntheticImage.build(tasks, fds, seed);
        byte[] bytes = ImageWriter.toBytes(image);
        Probe probe = decode(bytes);
        out.printf("bench codec: %,d tasks, %,d fd entries (%,d FD_ENT records: shared tables are written once),"
                        + " %,d open files, %,d records, image %.1f MB (built in %.1f s)%n",
                tasks, image.fdCount(), probe.fds, image.openFiles().size(), probe.records, bytes.length / 1e6,
                (System.nanoTime() - t0) / 1e9);
        out.printf("warm-up %d, measured %d iterations, median reported; one thread; MB = 10^6 bytes%n", warmup, iterations);
        out.flush();

        Sink sink = new Sink(bytes.length);
        byte[] copy = new byte[bytes.length];
        double[] enc = new double[iterations];
        double[] dec = new double[iterations];
        double[] decStream = new double[iterations];
        double[] cpy = new double[iterations];
        double[] encCpu = new double[iterations];
        double[] decCpu = new double[iterations];
        double[] cpyCpu = new double[iterations];
        long check = 0;
        for (int i = -warmup; i < iterations; i++) {
            String label = i < 0 ? "warm-up " + (i + warmup + 1) : "iteration " + (i + 1);
            long a = System.nanoTime(), ac = cpu();
            sink.reset();
            ImageWriter.write(image, sink);
            long b = System.nanoTime(), bc = cpu();
            check += decode(bytes).checksum;
            long c = System.nanoTime(), cc = cpu();
            check += decodeStream(bytes).checksum;
            long d = System.nanoTime(), dc = cpu();
            int reps = copyRepetitions(bytes.length);
            for (int r = 0; r < reps; r++) {
                System.arraycopy(bytes, 0, copy, 0, bytes.length);
                check += copy[r % copy.length];
            }
            long e = System.nanoTime(), ec = cpu();
            if (!Arrays.equals(sink.buf, 0, sink.len, bytes, 0, bytes.length)) throw new IllegalStateException("encoder output changed");
            double mb = bytes.length / 1e6;
            double encR = mb / ((b - a) / 1e9), decR = mb / ((c - b) / 1e9), dsR = mb / ((d - c) / 1e9),
                    cpR = mb * reps / ((e - d) / 1e9);
            err.printf("%-13s encode %8.1f MB/s  decode %8.1f MB/s  decode(stream) %8.1f MB/s  copy %9.1f MB/s"
                            + "   (per CPU second: %.0f / %.0f / %.0f / %.0f)%n",
                    label, encR, decR, dsR, cpR, mb / ((bc - ac) / 1e9), mb / ((cc - bc) / 1e9),
                    mb / ((dc - cc) / 1e9), mb * reps / ((ec - dc) / 1e9));
            err.flush();
            if (i >= 0) {
                enc[i] = encR;
                dec[i] = decR;
                decStream[i] = dsR;
                cpy[i] = cpR;
                encCpu[i] = mb / ((bc - ac) / 1e9);
                decCpu[i] = mb / ((cc - bc) / 1e9);
                cpyCpu[i] = mb * reps / ((ec - dc) / 1e9);
            }
        }
        double encM = median(enc), decM = median(dec), dsM = median(decStream), cpM = median(cpy);
        double mb = bytes.length / 1e6;
        out.printf("encode          %8.1f MB/s  %6.2f M records/s  %6.2f M fds/s%n", encM, probe.records * encM / mb / 1e6, probe.fds * encM / mb / 1e6);
        out.printf("decode+validate %8.1f MB/s  %6.2f M records/s  %6.2f M fds/s  (from a byte array)%n", decM, probe.records * decM / mb / 1e6, probe.fds * decM / mb / 1e6);
        out.printf("decode+validate %8.1f MB/s  (through an InputStream and the reader's buffer)%n", dsM);
        out.printf("copy (floor)    %8.1f MB/s%n", cpM);
        out.printf("per CPU second of this thread (fairer on a busy machine): encode %.1f, decode %.1f, copy %.1f MB/s;"
                + " load average %.2f on %d cores%n", median(encCpu), median(decCpu), median(cpyCpu),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
        out.printf("decode/copy %.3f, encode/copy %.3f; goal decode >= %.0f MB/s: %s by wall clock, %s per CPU second%n",
                decM / cpM, encM / cpM, GOAL_DECODE_MB_S, decM >= GOAL_DECODE_MB_S ? "met" : "NOT met",
                median(decCpu) >= GOAL_DECODE_MB_S ? "met" : "NOT met");
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("bench", "codec");
        json.put("tasks", tasks);
        json.put("fd_entries", image.fdCount());
        json.put("fd_ent_records", probe.fds);
        json.put("records", probe.records);
        json.put("image_bytes", bytes.length);
        json.put("iterations", iterations);
        json.put("encode_mb_s", round(encM));
        json.put("decode_mb_s", round(decM));
        json.put("decode_stream_mb_s", round(dsM));
        json.put("copy_mb_s", round(cpM));
        json.put("encode_records_s", Math.round(probe.records * encM / mb));
        json.put("decode_records_s", Math.round(probe.records * decM / mb));
        json.put("decode_vs_copy", round3(decM / cpM));
        json.put("encode_vs_copy", round3(encM / cpM));
        json.put("encode_cpu_mb_s", round(median(encCpu)));
        json.put("decode_cpu_mb_s", round(median(decCpu)));
        json.put("copy_cpu_mb_s", round(median(cpyCpu)));
        json.put("load_average", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        json.put("goal_decode_mb_s", GOAL_DECODE_MB_S);
        json.put("decode_goal_met", decM >= GOAL_DECODE_MB_S);
        json.put("decode_goal_met_cpu", median(decCpu) >= GOAL_DECODE_MB_S);
        json.put("checksum", check);
        out.println(json);
        out.flush();
        return 0;
    }

    /**
     * The heap the fork gets: about 430 MB live for 1M fd entries, and room to allocate beside it;
     * a tenth more than {@link #checkSize} asks for, so that the fork, checking its own slightly
     * smaller max heap, does not refuse the size it was made for (it did, at the default size).
     */
    static long heapMb(long entries) {
        return Math.max(512, neededHeapMb(entries) * 11 / 10);
    }

    /** The fd entries a heap of {@code heapMb} holds, the inverse of {@link #neededHeapMb}. */
    static long entriesFitting(long heapMb) {
        return Math.max(0, heapMb - 256) * 650;
    }

    private static long neededHeapMb(long entries) {
        return 256 + (entries + 649) / 650;
    }

    /**
     * Refuses sizes the reader refuses (over {@link FormatOptions#DEFAULT_MAX_TASKS} tasks or
     * {@link FormatOptions#DEFAULT_MAX_FDS_PER_TASK} fds per task), images larger than a Java array
     * ({@value #MAX_BYTES_PER_ENTRY} bytes per entry at most: FD_ENT, FD_DATA and a long FNAME),
     * and heaps beyond 3/4 of MemAvailable or {@value #MAX_HEAP_MB} MB (this JVM's max heap
     * with --in-process).
     *
     * @return tasks × fds
     */
    private long checkSize() {
        picocli.CommandLine cl = spec.commandLine();
        if (tasks > FormatOptions.DEFAULT_MAX_TASKS || fds > FormatOptions.DEFAULT_MAX_FDS_PER_TASK) {
            throw new picocli.CommandLine.ParameterException(cl, String.format("--tasks at most %,d and --fds at most %,d"
                    + " (the reader's limits: PID_MAX_LIMIT and Linux's nr_open)", FormatOptions.DEFAULT_MAX_TASKS,
                    FormatOptions.DEFAULT_MAX_FDS_PER_TASK));
        }
        long entries = BenchBounds.times(tasks, fds);
        long heapLimit;
        String limit;
        if (inProcess) {
            heapLimit = BenchBounds.maxHeapMb();
            limit = String.format("this JVM's %,d MB heap", heapLimit);
        } else {
            long avail = BenchBounds.memAvailableMb();
            heapLimit = Math.min(MAX_HEAP_MB, avail * 3 / 4);
            limit = String.format("a %,d MB heap: 3/4 of MemAvailable %,d MB, at most %,d", heapLimit, avail, MAX_HEAP_MB);
        }
        long byHeap = entriesFitting(heapLimit);
        long byArray = (Integer.MAX_VALUE - 8) / MAX_BYTES_PER_ENTRY;
        if (byArray < byHeap) limit = String.format("an image in one Java array: 2 GB at %d bytes per entry", MAX_BYTES_PER_ENTRY);
        BenchBounds.require(cl, "--tasks × --fds", entries, neededHeapMb(entries), "heap", Math.min(byHeap, byArray), limit);
        return entries;
    }

    /** The largest forked heap, whatever the machine has. */
    static final long MAX_HEAP_MB = 16_384;
    static final int MAX_BYTES_PER_ENTRY = 136;

    /** What one decode saw; the checksum touches every field so the JIT cannot drop the work. */
    record Probe(long records, long fds, long checksum) {
    }

    static Probe decode(byte[] bytes) throws IOException {
        return drain(new ImageReader(bytes, FormatOptions.DEFAULT));
    }

    static Probe decodeStream(byte[] bytes) throws IOException {
        return drain(new ImageReader(new ByteArrayInputStream(bytes), FormatOptions.DEFAULT));
    }

    private static Probe drain(ImageReader r) throws IOException {
        long sum = 0;
        ImageEvent ev;
        while ((ev = r.next()) != null) {
            if (ev == ImageEvent.FD) {
                sum += r.fdEntry().fd() + r.fdEntry().objref();
                OpenFile f = r.openFile();
                if (f != null) sum += f.pos() + f.flags() + f.path().length();
            } else if (ev == ImageEvent.TASK) {
                sum += r.taskInfo().pid();
            }
        }
        return new Probe(r.recordCount(), r.fdCount(), sum);
    }

    /** Enough copies to take a measurable time (the copy is ~20x faster than decoding). */
    private static int copyRepetitions(int len) {
        return Math.max(1, (int) Math.min(50, 2_000_000_000L / Math.max(1, len)));
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** An OutputStream into one reused array, so encoding is measured, not array growth. */
    static final class Sink extends OutputStream {
        final byte[] buf;
        int len;

        Sink(int capacity) {
            buf = new byte[capacity];
        }

        void reset() {
            len = 0;
        }

        @Override
        public void write(int b) {
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) {
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }
    }
}
