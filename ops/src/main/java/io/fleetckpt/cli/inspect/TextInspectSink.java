package io.fleetckpt.cli.inspect;

import io.fleetckpt.format.FileFlags;
import io.fleetckpt.format.ImageFormatException;
import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.record.PidsEntry;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;

/**
 * The human view, like ckptinfo: header, tree, one fd table per task. Names are printed with
 * {@code RawBytes.escaped()} (lossless); an objref named by several fd entries is marked "*".
 */
public final class TextInspectSink implements InspectSink {
    private final PrintWriter out;
    /** whether a "*" was printed: the legend explains only what was shown */
    private boolean sharedShown;

    public TextInspectSink(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void start(String file, long size) {
        out.printf("image %s (%,d bytes)%n", file, size);
    }

    @Override
    public void header(ImageHeader h) {
        String when = h.time() >= 0 && h.time() < 1L << 40 ? Instant.ofEpochSecond(h.time()).toString() : "?";
        out.printf("HEAD  kernel %d.%d.%d  format rev %d  flags 0x%x  time %d (%s)%n",
                h.major(), h.minor(), h.patch(), h.rev(), h.flags(), h.time(), when);
        out.printf("      release %s%n      version %s%n      machine %s%n",
                h.release().escaped(), h.version().escaped(), h.machine().escaped());
    }

    @Override
    public void tree(List<PidsEntry> pids) {
        out.printf("TREE  %d task%s (depth-first pre-order)%n", pids.size(), pids.size() == 1 ? "" : "s");
        out.printf("      %8s %8s %8s%n", "PID", "TGID", "PPID");
        for (PidsEntry p : pids) out.printf("      %8d %8d %8d%n", p.vpid(), p.vtgid(), p.vppid());
    }

    @Override
    public void task(TaskInfo t, int tableRef, int firstTaskOfTable, int nfds) {
        out.println();
        out.printf("TASK  pid %d  tgid %d  ppid %d  comm \"%s\"  state %d  exit_state %d  exit_code %d  exit_signal %d%n",
                t.pid(), t.tgid(), t.ppid(), t.comm().escaped(), t.state(), t.exitState(), t.exitCode(), t.exitSignal());
        if (tableRef == 0) {
            out.printf("      fd table: private, %d fd%s%n", nfds, nfds == 1 ? "" : "s");
        } else if (firstTaskOfTable == 0) {
            out.printf("      fd table: shared, objref %d, %d fd%s (written here)%n", tableRef, nfds, nfds == 1 ? "" : "s");
        } else {
            out.printf("      fd table: shared, objref %d, the same table as task %d above%n", tableRef, firstTaskOfTable);
        }
        if (nfds > 0) {
            out.printf("      %6s %-4s %-4s %7s  %-34s %-26s %14s  %s%n",
                    "FD", "CLOE", "TYPE", "OBJREF", "FLAGS", "MODE", "POS", "PATH");
        }
    }

    @Override
    public void fd(FdEntry e, OpenFile f, boolean firstSighting, int references) {
        String ref = e.objref() + (references > 1 ? "*" : " ");
        sharedShown |= references > 1;
        if (f == null) {
            out.printf("      %6d %-4s %-4s %7s  (open file not kept: see objref %d above)%n",
                    e.fd(), e.closeOnExec() ? "yes" : "-", "?", ref, e.objref());
            return;
        }
        out.printf("      %6d %-4s %-4s %7s  %-34s %-26s %14d  %s%n", e.fd(), e.closeOnExec() ? "yes" : "-",
                f.type().shortName, ref, FileFlags.describeFlags(f.flags()), FileFlags.describeMode(f.mode()).replace("FMODE_", ""),
                f.pos(), f.path().escaped() + (f.version() != 0 ? "  (f_version " + f.version() + ")" : ""));
    }

    @Override
    public void endTask() {
    }

    @Override
    public void verdict(ImageFormatException error, ImageWalker.Counts c) {
        out.println();
        out.printf("read  %,d records, %d task sections, %,d fd entries, %,d objrefs%n",
                c.records(), c.tasks(), c.fds(), c.objrefs());
        if (sharedShown) out.println("      * = objref named by more than one fd entry (a shared open file description)");
        if (error == null) {
            out.println("verdict: VALID fd-table image (linux-cr v13 framing)");
        } else {
            out.printf("verdict: INVALID: %s%n", error.getMessage());
        }
        out.flush();
    }
}
