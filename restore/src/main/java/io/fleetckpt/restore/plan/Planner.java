package io.fleetckpt.restore.plan;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.Task;
import io.fleetckpt.restore.sys.OpenFlags;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static io.fleetckpt.format.FileFlags.O_CLOEXEC;
import static io.fleetckpt.format.FileFlags.O_EXCL;
import static io.fleetckpt.format.FileFlags.O_TMPFILE_BIT;
import static io.fleetckpt.format.FileFlags.O_NOFOLLOW;
import static io.fleetckpt.format.FileFlags.O_PATH;

/**
 * Turns an image and a request into a {@link RestorePlan}, validating everything first: the
 * image is untrusted, so a forged count, fd number, flag or name is refused here, before any
 * file is opened.
 */
public final class Planner {
    /** Longest path the kernel reports (PATH_MAX, NUL included). */
    static final int PATH_MAX = 4096;
    /** fds the restorer keeps for itself (JVM, jars, report output) next to the descriptions it holds. */
    static final int RESTORER_RESERVE = 256;
    /** Each task becomes a process: an image that asks for more is refused rather than obeyed. */
    public static final int MAX_TASKS = 4096;
    /** All fds of all restored tasks together (a plan entry each). */
    public static final long MAX_TOTAL_FDS = 4_000_000;

    private final int fdLimit;

    /** @param fdLimit the hard RLIMIT_NOFILE: no fd number may reach it, nor the number of descriptions held */
    public Planner(int fdLimit) {
        this.fdLimit = fdLimit;
    }

    public RestorePlan plan(Image image, List<Integer> pids, boolean tree, Path root, UnrestorablePolicy policy)
            throws PlanException {
        List<Task> tasks = select(image, pids, tree);
        if (tasks.size() > MAX_TASKS) {
            throw new PlanException(tasks.size() + " tasks to restore, each its own COMMAND: more than the bound of " + MAX_TASKS);
        }
        long total = tasks.stream().mapToLong(t -> t.fds().size()).sum();
        if (total > MAX_TOTAL_FDS) {
            throw new PlanException(total + " fds across the selected tasks: more than the bound of " + MAX_TOTAL_FDS);
        }
        TreeMap<Integer, DescriptionPlan> descriptions = new TreeMap<>();
        List<TaskPlan> taskPlans = new ArrayList<>();
        for (Task t : tasks) {
            int pid = t.info().pid();
            if (t.fds().size() >= fdLimit) {
                throw new PlanException("pid " + pid + ": " + t.fds().size() + " fds, more than the fd limit "
                        + fdLimit + " allows");
            }
            List<FdPlacement> placements = new ArrayList<>(t.fds().size());
            Set<Integer> seen = new HashSet<>();
            for (FdEntry e : t.fds()) {
                if (e.fd() < 0 || e.fd() >= fdLimit) {
                    throw new PlanException("pid " + pid + " fd " + e.fd() + ": fd number outside 0.."
                            + (fdLimit - 1) + " (the fd limit)");
                }
                if (!seen.add(e.fd())) throw new PlanException("pid " + pid + " fd " + e.fd() + ": listed twice");
                OpenFile f = image.file(e);
                if (f == null) {
                    throw new PlanException("pid " + pid + " fd " + e.fd() + ": objref " + e.objref()
                            + " names no open file in the image");
                }
                if (!descriptions.containsKey(f.objref())) {
                    descriptions.put(f.objref(), decide(f, pid, e.fd(), policy));
                }
                placements.add(new FdPlacement(e.fd(), e.closeOnExec(), f.objref()));
            }
            placements.sort((a, b) -> Integer.compare(a.fd(), b.fd()));
            taskPlans.add(new TaskPlan(t.info(), t.tableRef() != 0, placements));
        }
        RestorePlan plan = new RestorePlan(taskPlans, descriptions, root, policy);
        int numbers = plan.targetNumbers().cardinality();
        if ((long) numbers + descriptions.size() + RESTORER_RESERVE > fdLimit) {
            throw new PlanException(descriptions.size() + " open file descriptions held at numbers apart from the "
                    + numbers + " fd numbers they go to do not fit under the fd limit " + fdLimit);
        }
        return plan;
    }

    private static List<Task> select(Image image, List<Integer> pids, boolean tree) throws PlanException {
        if (image.tasks().isEmpty()) throw new PlanException("the image holds no task");
        if (pids.isEmpty()) {
            if (image.tasks().size() == 1 || tree) return tree ? image.tasks() : List.of(image.tasks().get(0));
            throw new PlanException("the image holds " + image.tasks().size() + " tasks: name one with --pid "
                    + "(pids: " + pidList(image) + ") or use --tree");
        }
        LinkedHashSet<Integer> wanted = new LinkedHashSet<>();
        for (int p : pids) {
            if (image.tasks().stream().noneMatch(t -> t.info().pid() == p)) {
                throw new PlanException("pid " + p + " is not in the image (pids: " + pidList(image) + ")");
            }
            wanted.add(p);
        }
        if (tree) {
            // TREE order is depth-first pre-order, so one pass sees every parent before its children.
            for (Task t : image.tasks()) {
                if (wanted.contains(t.info().ppid()) && t.info().pid() != t.info().ppid()) wanted.add(t.info().pid());
            }
        }
        List<Task> out = new ArrayList<>();
        for (Task t : image.tasks()) if (wanted.contains(t.info().pid())) out.add(t);
        return out;
    }

    private static String pidList(Image image) {
        StringBuilder sb = new StringBuilder();
        for (Task t : image.tasks()) {
            if (sb.length() > 60) return sb.append(", ...").toString();
            if (sb.length() > 0) sb.append(", ");
            sb.append(t.info().pid());
        }
        return sb.toString();
    }

    private static DescriptionPlan decide(OpenFile f, int pid, int fd, UnrestorablePolicy policy)
            throws PlanException {
        String where = "pid " + pid + " fd " + fd + " (objref " + f.objref() + ")";
        int flags = f.flags();
        // O_EXCL stays on a pidfd opened with PIDFD_THREAD, __O_TMPFILE on an O_TMPFILE file: the
        // kernel keeps those, so they are not forged, just never reopened (see below)
        boolean tmpfile = (flags & O_TMPFILE_BIT) != 0 && f.type() == FdType.FILE;
        int kept = (f.type() == FdType.ANON ? O_EXCL : 0) | (tmpfile ? O_TMPFILE_BIT : 0);
        if ((flags & OpenFlags.CREATING & ~kept) != 0) {
            throw new PlanException(where + ": flags " + OpenFlags.describe(flags)
                    + " would create or truncate; the kernel never keeps these in f_flags, so the image is forged");
        }
        if ((flags & ~(OpenFlags.SAVED_ALLOWED | kept)) != 0) {
            throw new PlanException(where + ": flags " + OpenFlags.describe(flags) + " hold bits an open file never has");
        }
        if ((flags & O_PATH) != 0 && (flags & ~(O_PATH | OpenFlags.PATH_KEPT | O_CLOEXEC)) != 0) {
            throw new PlanException(where + ": flags " + OpenFlags.describe(flags)
                    + ": an O_PATH description keeps no flag but O_DIRECTORY and O_NOFOLLOW, so the image is forged");
        }
        if (f.type() == FdType.SYMLINK && (flags & (O_PATH | O_NOFOLLOW)) != (O_PATH | O_NOFOLLOW)) {
            throw new PlanException(where + ": a symlink with flags " + OpenFlags.describe(flags)
                    + ": only O_PATH|O_NOFOLLOW holds a symlink itself, so the image is forged");
        }
        RawBytes path = f.path();
        if (path.length() >= PATH_MAX) throw new PlanException(where + ": path of " + path.length() + " bytes exceeds PATH_MAX");
        for (int i = 0; i < path.length(); i++) {
            if (path.byteAt(i) == 0) throw new PlanException(where + ": path holds a NUL byte at " + i + ": " + path.escaped());
        }
        String why = tmpfile ? "an O_TMPFILE file never had a name to reopen"
                // only special files seek there (/proc/PID/mem, /dev/mem), and none of them is the same file elsewhere
                : f.pos() < 0 ? "negative position " + f.pos() + ", which only special files such as /proc/PID/mem have"
                : Reopenability.whyNot(f);
        if (why == null) return new DescriptionPlan(f, Action.OPEN, relative(path, where), null);
        Action a = switch (policy) {
            case SKIP -> Action.SKIP;
            case DEVNULL -> Action.PLACEHOLDER;
            case FAIL -> Action.FAIL;
        };
        return new DescriptionPlan(f, a, null, why);
    }

    /**
     * The kernel reports canonical absolute paths, so a "." or ".." component or an empty one is
     * never genuine: refuse it outright rather than trust the root check alone.
     */
    private static byte[] relative(RawBytes path, String where) throws PlanException {
        byte[] b = path.toByteArray();
        if (b.length == 1) return new byte[] {'.'};
        int start = 1;
        for (int i = 1; i <= b.length; i++) {
            if (i == b.length || b[i] == '/') {
                int len = i - start;
                boolean dot = len == 1 && b[start] == '.';
                boolean dotdot = len == 2 && b[start] == '.' && b[start + 1] == '.';
                if (len == 0 || dot || dotdot) {
                    throw new PlanException(where + ": path " + path.escaped()
                            + " is not canonical (empty, '.' or '..' component): refusing a path that could climb out of the root");
                }
                start = i + 1;
            }
        }
        return Arrays.copyOfRange(b, 1, b.length);
    }
}
