package io.fleetckpt.cli;

import io.fleetckpt.format.ImageReader;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.restore.RestoreOutcome;
import io.fleetckpt.restore.RestoreRequest;
import io.fleetckpt.restore.Restorer;
import io.fleetckpt.restore.plan.PlanException;
import io.fleetckpt.restore.plan.UnrestorablePolicy;
import io.fleetckpt.restore.pull.ImagePuller;
import io.fleetckpt.restore.pull.StoredImageRef;
import io.fleetckpt.restore.report.ReportWriter;
import io.fleetckpt.restore.spawn.BundledPreload;
import io.fleetckpt.restore.spawn.FdTableSpawner;
import io.fleetckpt.restore.spawn.LoadableLibrary;
import io.fleetckpt.restore.spawn.SpawnedTask;
import io.fleetckpt.store.FileSystemImageStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "restore", mixinStandardHelpOptions = true,
        synopsisHeading = "Usage: ",
        customSynopsis = {"fleetckpt restore [-hV] [--dry-run] [--json] [--tree] [--pid=P]...",
                "                         [--root=DIR] [--unrestorable=skip|devnull|fail]",
                "                         [--cloexec-preload=auto|none|LIB] [--fd-limit=N]",
                "                         (IMAGE | --store=DIR --checkpoint=ID --host=H)",
                "                         [-- COMMAND [ARG...]]"},
        description = {"Re-creates the fd table of a task of an image (a file, or from the store) and runs COMMAND with it.",
                "",
                "COMMAND gets exactly the table task P had. With --tree or several --pid, each task gets a COMMAND of "
                        + "its own.",
                "",
                "Each open file description is opened once, by path, with its saved flags minus O_CREAT/O_TRUNC/O_EXCL, "
                        + "at its saved position, and placed at every fd that shared it, across tasks too. No other fd "
                        + "reaches COMMAND. fds saved with close-on-exec cannot carry the flag through the exec into COMMAND: "
                        + "they are placed without it, listed in FLEETCKPT_CLOEXEC_FDS, and marked again inside COMMAND "
                        + "before main() by the preload library this build carries (--cloexec-preload).",
                "",
                "The image is untrusted: it is validated whole before anything is opened.",
                "",
                "      IMAGE                the image file (not with --store)",
                "      -- COMMAND [ARG...]  the program each restored table is given to, with its",
                "                             arguments (optional with --dry-run)"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every fd restored exactly (a dry run: would be)",
                "1:partial: some fd is a placeholder, skipped, failed, unplaced or differs, or its close-on-exec was left to COMMAND (deferred; see the report), or --unrestorable fail stopped it, or a later task's COMMAND could not start",
                "2:usage error, bad or hostile image, unreadable store, --root cannot be opened, or COMMAND could not start (nothing restored)"},
        footer = {"", "A dry run exits with the code the real run would, as far as it can tell (see --dry-run)."})
final class RestoreCommand implements Callable<Integer> {
    /** Set by the launchers to the caller's `ulimit -Sn` (the JVM raises its own at start). */
    static final String FD_LIMIT_ENV = "FLEETCKPT_FD_LIMIT";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** IMAGE, then COMMAND and its ARGs after "--" (picocli merges them; listed in the description instead). */
    @Parameters(paramLabel = "IMAGE", hidden = true)
    List<String> positional = new ArrayList<>();

    @Option(names = "--store", paramLabel = "DIR", description = "image store to read the image from")
    Path store;

    @Option(names = "--checkpoint", paramLabel = "ID", description = "with --store: the checkpoint whose image to restore")
    String checkpointId;

    @Option(names = "--host", paramLabel = "H", description = "with --store: the host whose image to restore")
    String host;

    @Option(names = "--pid", paramLabel = "P", description = "task to restore (repeatable; optional for a one-task image)")
    List<Integer> pids = new ArrayList<>();

    @Option(names = "--tree", description = "also restore every descendant of the --pid tasks")
    boolean tree;

    @Option(names = "--root", paramLabel = "DIR", description = "resolve saved paths beneath DIR; escapes are refused")
    Path root;

    @Option(names = "--unrestorable", paramLabel = "POLICY", defaultValue = "devnull",
            description = "pipes, sockets, anon inodes, deleted files: skip (leave closed), devnull (default; /dev/null with the"
                    + " saved access mode), fail (run no COMMAND if anything cannot be restored exactly)")
    UnrestorablePolicy policy;

    @Option(names = "--cloexec-preload", paramLabel = "auto|none|LIB", defaultValue = "auto",
            description = "how fds saved with close-on-exec get the flag back inside COMMAND: auto (default) preloads the"
                    + " fleetckpt_cloexec library bundled with this build (installed in $XDG_CACHE_HOME/fleetckpt, else"
                    + " $HOME/.cache/fleetckpt; when it cannot be installed there, a warning, and as none); none leaves them listed in FLEETCKPT_CLOEXEC_FDS for COMMAND to mark; LIB preloads that"
                    + " library file (built from restore/src/main/c). Only COMMANDs that have such fds get LD_PRELOAD.")
    String cloexecPreload;

    @Option(names = "--fd-limit", paramLabel = "N|unlimited",
            description = "soft RLIMIT_NOFILE for COMMAND, raised where the restored table needs more (to its highest fd + "
                    + (Restorer.FD_LIMIT_HEADROOM + 1) + "), never above the hard limit. Default: the caller's soft limit,"
                    + " which the fleetckpt launcher passes as FLEETCKPT_FD_LIMIT (without it, the restorer's own, raised"
                    + " to the hard limit by the JVM).")
    String fdLimit;

    @Option(names = "--dry-run", description = "predict the restore without doing it: open the root and look each saved"
            + " path up beneath it as the real run would, but with O_PATH (nothing opened for I/O), check its type, size"
            + " and permission for the saved access mode, find COMMAND in PATH; run nothing. The report and exit code are"
            + " what the real run would give. Not checked: a device's or file system's own refusal at open, LSM open"
            + " hooks, O_DIRECT, whether COMMAND's exec succeeds once found, and changes before the real run.")
    boolean dryRun;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        // Positionals before "--" name the image, those after it are COMMAND (picocli merges them).
        List<String> original = cl.getParseResult().originalArgs();
        int dash = original.indexOf("--");
        int beforeDash = dash < 0 ? Math.min(1, positional.size()) : positional.size() - (original.size() - dash - 1);
        List<String> command = new ArrayList<>(positional.subList(beforeDash, positional.size()));
        List<String> imageArgs = positional.subList(0, beforeDash);
        // FLEETCKPT_STORE (a daemon's setting, often exported for images/pull) names where to look
        // when no IMAGE is given; it must not turn "restore IMAGE" into a conflict
        if (!imageArgs.isEmpty() && !cl.getParseResult().hasMatchedOption("--store")) store = null;
        Image image;
        if (store != null) {
            if (checkpointId == null || host == null) throw new CommandLine.ParameterException(cl, "--store needs --checkpoint and --host");
            if (!imageArgs.isEmpty()) throw new CommandLine.ParameterException(cl, "give an IMAGE file or --store, not both");
            FileSystemImageStore s = ExistingStore.open(store);
            StoredImageRef ref = StoredImageRef.find(s, checkpointId, host).get(0);
            if (ref.image().partialReason() != null) {
                cl.getErr().println("fleetckpt restore: warning: checkpoint " + checkpointId + " host " + host
                        + " is a PARTIAL image: " + ref.image().partialReason());
            }
            image = new ImagePuller(s).load(ref);
        } else {
            if (imageArgs.size() != 1) {
                throw new CommandLine.ParameterException(cl, "give one IMAGE file (or --store/--checkpoint/--host) before --");
            }
            image = readImage(Path.of(imageArgs.get(0)));
        }
        if (command.isEmpty() && !dryRun) throw new CommandLine.ParameterException(cl, "no COMMAND: put it after --");
        Path preload = preloadLibrary(cl);
        List<byte[]> argv = new ArrayList<>();
        for (String a : command) argv.add(a.getBytes(StandardCharsets.UTF_8));
        long callerFdLimit = fdLimit(cl);
        // the launcher's report of the caller's limit is consumed here, not passed on to COMMAND
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.remove(FD_LIMIT_ENV);
        RestoreOutcome o;
        try {
            o = new Restorer().restore(new RestoreRequest(image, pids, tree, root, policy, dryRun, argv, env,
                    preload, callerFdLimit));
        } catch (PlanException e) {
            throw new CommandFailure("refused: " + e.getMessage()); // exit 2: nothing restored
        }
        PrintWriter out = cl.getOut();
        if (json) ReportWriter.json(o.report(), out);
        else ReportWriter.text(o.report(), out);
        // the report is for scripts (and may be redirected); people watching stderr get the error line too
        if (o.report().error() != null) cl.getErr().println("fleetckpt restore: error: " + o.report().error());
        for (SpawnedTask t : o.spawned()) {
            int status = FdTableSpawner.waitFor(t.pid());
            cl.getErr().printf("fleetckpt restore: COMMAND for task %d (pid %d) %s%n", t.imagePid(), t.pid(), describe(status));
        }
        return o.report().exitCode();
    }

    /** The caller's soft fd limit, or 0 when not known. */
    private long fdLimit(CommandLine cl) {
        if (fdLimit == null) return 0;
        if (fdLimit.equals("unlimited")) return Long.MAX_VALUE;
        try {
            long n = Long.parseLong(fdLimit);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.ParameterException(cl, "--fd-limit (or " + FD_LIMIT_ENV + "): '" + fdLimit
                + "' is not a positive number or 'unlimited'");
    }

    /** The library to preload into COMMANDs, or null for none. */
    private Path preloadLibrary(CommandLine cl) {
        switch (cloexecPreload) {
            case "none":
                return null;
            case "auto":
                // a dry run installs nothing: where the library would go is enough to judge it
                // (the restorer turns a library the loader would skip into a note and 'deferred')
                Path cache = BundledPreload.defaultCacheDir(System.getenv());
                BundledPreload.Choice choice = BundledPreload.chooseDefault(System.getenv(), dryRun);
                if (choice.warning() != null) cl.getErr().println("fleetckpt restore: warning: " + choice.warning());
                Path lib = choice.library();
                if (lib != null && LoadableLibrary.problem(lib) != null) {
                    cl.getErr().println("fleetckpt restore: hint: the preload library's cache directory " + cache
                            + " is on a noexec mount; set XDG_CACHE_HOME to a directory that allows exec");
                }
                return lib;
            default:
                Path given = Path.of(cloexecPreload);
                if (!Files.isRegularFile(given)) throw new CommandLine.ParameterException(cl, "--cloexec-preload: no library at " + given);
                // asked for by name: a library the loader would skip is the caller's mistake, not a partial restore
                String problem = LoadableLibrary.problem(given);
                if (problem != null) throw new CommandLine.ParameterException(cl, "--cloexec-preload: " + problem);
                return given;
        }
    }

    private static Image readImage(Path file) throws IOException {
        ImageFiles.requireRegularFile(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return ImageReader.readImage(in);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CommandFailure(file + ": " + ImageFiles.whyNot(file)); // removed since the check
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static String describe(int status) {
        int sig = status & 0x7f;
        if (sig == 0) return "exited with " + ((status >> 8) & 0xff);
        return "killed by signal " + sig;
    }
}
