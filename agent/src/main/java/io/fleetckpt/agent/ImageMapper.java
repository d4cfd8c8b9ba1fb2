package io.fleetckpt.agent;

import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.Image;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A capture as the format model: header from the host's uname, tasks in TREE order, one
 * {@link OpenFile} per objref. What the format has no field for (mnt_id, dev, ino, size, the
 * deleted flag) stays in the {@link CaptureResult}. f_version is 0: Linux 6.12 removed it from
 * struct file and no interface ever exposed it.
 */
public final class ImageMapper {
    /** uname fields are at most 64 bytes in the kernel's struct new_utsname (65 with NUL). */
    private static final int UTS_LEN = 64;

    private ImageMapper() {
    }

    public static Image toImage(CaptureResult r) {
        return toImage(r, false).image();
    }

    /**
     * @param image    the image of every task that can be written
     * @param excluded tasks left out because strict v13 cannot express them
     */
    public record Mapped(Image image, List<TaskError> excluded) {
    }

    /**
     * @param strictV13 leave out tasks the v13 format cannot express (an fd that is not a file or
     *                  directory, a shared table), each with an error, instead of writing
     *                  extension records; never a table with fds silently dropped
     */
    public static Mapped toImage(CaptureResult r, boolean strictV13) {
        List<TaskError> excluded = new ArrayList<>();
        List<CapturedTask> kept = new ArrayList<>();
        for (CapturedTask t : r.tasks()) {
            String why = strictV13 ? notV13(t) : null;
            if (why == null) kept.add(t);
            else excluded.add(TaskError.task(t.pid(), TaskError.Kind.NOT_V13, why));
        }
        return new Mapped(build(r, kept), excluded);
    }

    private static String notV13(CapturedTask t) {
        if (t.tableRef() != 0) return "shares its fd table with another process; strict v13 has no shared tables";
        for (CapturedFd f : t.fds()) {
            if (f.type() == null || !f.type().isV13()) {
                return "fd " + f.fd() + " is " + (f.type() == null ? "of unknown kind" : "a " + f.type())
                        + " (" + f.path().escaped() + "); strict v13 has regular files and directories only";
            }
        }
        return null;
    }

    private static Image build(CaptureResult r, List<CapturedTask> captured) {
        int[] v = r.host().kernelVersion();
        ImageHeader header = new ImageHeader(v[0], v[1], v[2], ImageHeader.REV, r.epochSeconds(), ImageHeader.FLAGS_CKPT,
                uts(r.host().release()), uts(r.host().version()), uts(r.host().machine()));
        List<Task> tasks = new ArrayList<>(r.tasks().size());
        Map<Integer, OpenFile> files = new TreeMap<>();
        for (CapturedTask t : captured) {
            List<FdEntry> entries = new ArrayList<>(t.fds().size());
            for (CapturedFd f : t.fds()) {
                entries.add(new FdEntry(f.fd(), f.closeOnExec(), f.objref()));
                files.computeIfAbsent(f.objref(), ref -> openFile(f));
            }
            tasks.add(new Task(t.info(), t.tableRef(), entries));
        }
        return Image.of(header, tasks, files);
    }

    static OpenFile openFile(CapturedFd f) {
        // An fd whose kind neither stat nor the link text told is carried as anonymous: the
        // image keeps its link text, and restore treats it as not reopenable.
        FdType type = f.type() == null ? FdType.ANON : f.type();
        return new OpenFile(f.objref(), type, f.mode() & 0xffff, f.flags(), f.pos(), 0, f.path());
    }

    private static RawBytes uts(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return RawBytes.copyOf(b, 0, Math.min(b.length, UTS_LEN));
    }
}
