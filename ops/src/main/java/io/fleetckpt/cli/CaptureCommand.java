package io.fleetckpt.cli;

import io.fleetckpt.agent.CaptureListener;
import io.fleetckpt.agent.CaptureRequest;
import io.fleetckpt.agent.CaptureResult;
import io.fleetckpt.agent.CaptureTimings;
import io.fleetckpt.agent.Capturer;
import io.fleetckpt.agent.ImageMapper;
import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.Syscalls;
import io.fleetckpt.cli.capture.CaptureJson;
import io.fleetckpt.cli.capture.ImageTarget;
import io.fleetckpt.cli.inspect.ImageJsonSink;
import io.fleetckpt.cli.inspect.ImageWalker;
import io.fleetckpt.cli.kafka.PidConverter;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.ImageFormatException;
import io.fleetckpt.format.ImageWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code fleetckpt capture}: freeze, capture, thaw, write a kernel-format image. */
@Command(name = "capture",
        mixinStandardHelpOptions = true,
        description = {
                "Freezes the selected processes, captures their fd tables (with sharing found by kcmp), "
                        + "thaws them and writes a kernel-format image.",
                "Selectors combine; threads belong to their process; the agent never selects itself, nor kernel threads."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every selected process was captured",
                "1:partial: some process could not be captured (exited, refused, ...); the image holds the others"
                        + " and is written to IMAGE.partial, never to IMAGE",
                "2:usage error, nothing captured, or the image could not be written"})
public final class CaptureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pid", paramLabel = "P", converter = PidConverter.class, description = "a process (a thread id selects its process)")
    List<Integer> pids = new ArrayList<>();

    @Option(names = "--tree", paramLabel = "P", converter = PidConverter.class, description = "a process and all its descendants")
    List<Integer> trees = new ArrayList<>();

    @Option(names = "--cgroup", paramLabel = "PATH",
            description = "every process of a cgroup and below (absolute, or relative to the v2 mount, then the v1 freezer)")
    List<String> cgroups = new ArrayList<>();

    @Option(names = "--comm", paramLabel = "REGEX", description = "processes whose comm contains a match")
    List<String> comms = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "IMAGE", required = true,
            description = "where the image goes: a file (replaced atomically; a symlink is followed and kept), - for stdout"
                    + " (the summary then goes to stderr), or an existing device or FIFO (written straight through)."
                    + " A partial image (exit 1) goes to IMAGE.partial instead, leaving IMAGE as it was; stdout, a device"
                    + " or a FIFO take it themselves, and stderr says it is partial.")
    String output;

    @Option(names = "--json", description = "print the written image as JSON (inspect --json's vocabulary) with how the capture went"
            + " and what it learnt per fd beyond the image, instead of the summary (not with -o -)")
    boolean json;

    /** Where {@code -o -} writes; null: fd 1. Tests set it, since picocli's out is a text writer. */
    OutputStream stdout;

    @Option(names = "--no-freeze", description = "do not freeze: scan until two scans agree; marked \"not frozen\"")
    boolean noFreeze;

    @Option(names = "--strict-v13", description = "only what v13 can express: tasks with other fds are left out (partial)")
    boolean strictV13;

    @Option(names = "--threads", paramLabel = "N", converter = io.fleetckpt.cli.kafka.Bounded.PositiveInt.class, description = "threads for the per-fd work (default: cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--freeze-timeout", paramLabel = "MS", description = "bound on waiting for the frozen state (default ${DEFAULT-VALUE})")
    long freezeTimeoutMs = CaptureRequest.DEFAULT_FREEZE_TIMEOUT.toMillis();

    @Option(names = "--max-frozen", paramLabel = "DURATION", defaultValue = "30s", converter = io.fleetckpt.cli.kafka.DurationConverter.class,
            description = "bound on the frozen window: past it the tasks are thawed anyway and the unfinished ones fail (partial);"
                    + " a call stuck for a quarter of it (a hung filesystem) fails its task at once (default ${DEFAULT-VALUE})")
    Duration maxFrozen;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "where the freezer notes what it froze, so a restarted agent thaws it (default ${DEFAULT-VALUE})")
    Path stateDir = CaptureRequest.DEFAULT_STATE_DIR;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        List<Selector> selectors = selectors();
        if (selectors.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name processes with --pid, --tree, --cgroup or --comm");
        }
        if (threads < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
        if (freezeTimeoutMs < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--freeze-timeout must be 0 or more milliseconds");
        }
        if (maxFrozen.isNegative() || maxFrozen.isZero()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-frozen must be positive");
        }
        if (json && output.equals("-")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--json and -o - both want stdout: give -o a file, or drop --json");
        }
        ImageTarget target;
        ImageTarget partialTarget;
        try {
            // before anything is frozen: finding this after the capture wasted the frozen window
            target = ImageTarget.of(output, stdout);
            partialTarget = target.forPartial();
        } catch (ImageTarget.UnwritableException e) {
            throw new CommandFailure(e.getMessage() + "; nothing captured");
        }
        CaptureListener progress = System.console() != null && !json
                ? (phase, p) -> err.println("fleetckpt capture: " + phase.name().toLowerCase() + " (" + p.size() + " tasks)")
                : CaptureListener.NONE;
        CaptureRequest req = CaptureRequest.of(selectors).withFreeze(!noFreeze).withThreads(threads)
                .withFreezeTimeout(Duration.ofMillis(freezeTimeoutMs)).withStateDir(stateDir).withListener(progress)
                .withMaxFrozen(maxFrozen);

        CaptureResult r;
        try (Capturer capturer = new Capturer(Syscalls.system())) {
            r = capturer.capture(req);
        }
        ImageMapper.Mapped mapped = ImageMapper.toImage(r, strictV13);
        List<TaskError> errors = new ArrayList<>(r.errors());
        errors.addAll(mapped.excluded());
        if (mapped.image().tasks().isEmpty()) {
            List<String> why = new ArrayList<>();
            for (TaskError e : errors) why.add(e.toString());
            for (String n : r.notes()) why.add("note: " + n);
            throw new CommandFailure("nothing captured; no image written", why);
        }
        // never a partial image under the name a complete one would have
        ImageTarget dest = errors.isEmpty() ? target : partialTarget;
        String partial = errors.isEmpty() ? null : partialLine(mapped, errors, dest);
        if (json) return json(r, mapped, errors, dest, partial, err);
        long bytes = writeTo(dest, out -> write(mapped, out));
        // with -o - stdout is the image's
        PrintWriter text = dest.path() == null ? err : spec.commandLine().getOut();
        summary(r, mapped, errors, bytes, dest, partial, text);
        text.flush();
        if (partial != null && !dest.isFile() && text != err) err.println("fleetckpt capture: warning: " + partial);
        return errors.isEmpty() ? 0 : 1;
    }

    /**
     * The image just written, read back through inspect's writer: both commands describe an image
     * in the same words, and this one says exactly what the file holds. A device or FIFO cannot be
     * read back, so the image is written to a temp file first and copied to it from there.
     */
    private int json(CaptureResult r, ImageMapper.Mapped mapped, List<TaskError> errors, ImageTarget dest, String partial,
                     PrintWriter err) throws IOException {
        Path file = dest.isFile() ? dest.path() : Files.createTempFile("fleetckpt-capture-", ".img");
        try {
            if (dest.isFile()) {
                writeTo(dest, out -> write(mapped, out));
            } else {
                try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    write(mapped, out);
                }
                writeTo(dest, out -> Files.copy(file, out));
            }
            PrintWriter out = spec.commandLine().getOut();
            ImageFormatException bad = new ImageWalker(file, dest.name(), FormatOptions.DEFAULT.withStrictV13(strictV13))
                    .walk(new ImageJsonSink(out, new CaptureJson(r, errors, mapped.excluded())));
            out.flush();
            if (partial != null) err.println("fleetckpt capture: warning: " + partial);
            if (bad != null) {
                err.println("fleetckpt capture: the image just written does not read back: " + bad.getMessage());
                return 2;
            }
            return errors.isEmpty() ? 0 : 1;
        } finally {
            if (!dest.isFile()) Files.deleteIfExists(file);
        }
    }

    /** "partial: 1 of 2 selected tasks left out (pid 9: not_found); image written to x.img.partial" */
    static String partialLine(ImageMapper.Mapped mapped, List<TaskError> errors, ImageTarget dest) {
        int selected = mapped.image().tasks().size() + errors.size();
        StringBuilder why = new StringBuilder();
        for (TaskError e : errors.subList(0, Math.min(3, errors.size()))) {
            if (why.length() > 0) why.append("; ");
            why.append(e.selector() != null ? e.selector() : "pid " + e.pid() + (e.fd() >= 0 ? " fd " + e.fd() : ""))
                    .append(": ").append(e.kind().name().toLowerCase());
        }
        if (errors.size() > 3) why.append("; ...");
        return "partial: " + errors.size() + " of " + selected + " selected task" + (selected == 1 ? "" : "s") + " left out ("
                + why + "); image written to " + dest.describe();
    }

    private List<Selector> selectors() {
        List<Selector> s = new ArrayList<>();
        pids.forEach(p -> s.add(new Selector.Pid(p)));
        trees.forEach(p -> s.add(new Selector.Tree(p)));
        cgroups.forEach(c -> s.add(new Selector.Cgroup(c)));
        for (String c : comms) {
            try {
                s.add(new Selector.Comm(Pattern.compile(c)));
            } catch (PatternSyntaxException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--comm " + c + ": " + e.getDescription());
            }
        }
        return s;
    }

    /** One line naming the target when the write fails (/dev/full: "No space left on device" alone says not where). */
    private long writeTo(ImageTarget dest, ImageTarget.Body body) {
        var err = spec.commandLine().getErr();
        dest.onWaiting(line -> {
            err.println("fleetckpt capture: " + line);
            err.flush();
        });
        try {
            return dest.write(body);
        } catch (IOException e) {
            throw new CommandFailure("-o " + dest.name() + ": the image could not be written: " + ErrorHandler.message(e)
                    + (dest.isFile() ? " (nothing replaced)" : ""));
        }
    }

    /** The image's bytes, into {@code out}; returns how many. */
    private static long write(ImageMapper.Mapped mapped, OutputStream out) throws IOException {
        ImageWriter w = new ImageWriter(out, FormatOptions.DEFAULT);
        w.writeHeader(mapped.image().header(), mapped.image().tasks().stream().map(t -> t.info()).toList());
        for (var t : mapped.image().tasks()) w.writeTask(t, mapped.image().openFiles()::get);
        w.finish();
        return w.bytesWritten();
    }

    private static void summary(CaptureResult r, ImageMapper.Mapped mapped, List<TaskError> errors, long bytes, ImageTarget dest,
                                String partial, PrintWriter out) {
        CaptureTimings t = r.timings();
        out.printf("%s: %d tasks, %d fds, %d open files%n", errors.isEmpty() ? "captured" : "partial",
                mapped.image().tasks().size(), mapped.image().fdCount(), mapped.image().openFiles().size());
        if (r.frozen()) {
            // thaw counts moving the tasks back to their cgroups too, which happens after the window
            out.printf("frozen (%s): window %.2f ms (freeze %.2f, scan %.2f, share %.2f); thaw and move back %.2f ms%n",
                    r.method().name().toLowerCase().replace('_', '-'), CaptureTimings.ms(t.frozenWindow()),
                    CaptureTimings.ms(t.freeze()), CaptureTimings.ms(t.scan()), CaptureTimings.ms(t.share()), CaptureTimings.ms(t.thaw()));
        } else {
            out.printf("not frozen: %d scans until two agreed%n", r.scans());
        }
        if (!r.alreadyFrozen().isEmpty()) out.println("left frozen as found: " + r.alreadyFrozen());
        out.printf("time %.2f ms, %d kcmp calls, %d threads%n", CaptureTimings.ms(t.total()), t.kcmpCalls(), r.threads());
        out.printf("image written to %s (%d bytes)%n", dest.describe(), bytes);
        for (String n : r.notes()) out.println("note: " + n);
        for (TaskError e : errors) out.println("not captured: " + e);
        if (partial != null) out.println(partial);
    }
}
