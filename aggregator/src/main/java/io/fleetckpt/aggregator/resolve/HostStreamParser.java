package io.fleetckpt.aggregator.resolve;

import io.fleetckpt.aggregator.reassemble.CompleteStream;
import io.fleetckpt.format.FormatOptions;
import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.record.CrHdr;
import io.fleetckpt.format.record.FdDataRecord;
import io.fleetckpt.format.record.FdEntRecord;
import io.fleetckpt.format.record.FilesRecord;
import io.fleetckpt.format.record.FnameRecord;
import io.fleetckpt.format.record.HeadRecord;
import io.fleetckpt.format.record.PidsEntry;
import io.fleetckpt.format.record.RecordInput;
import io.fleetckpt.format.record.RecordType;
import io.fleetckpt.format.record.StringRecord;
import io.fleetckpt.format.record.TailRecord;
import io.fleetckpt.format.record.TaskRecord;
import io.fleetckpt.format.record.TreeRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decodes a complete host stream (BEGIN: HEAD + TREE + pids; TASKS: task sections; END: TAIL)
 * with the codec's record readers. Sections may come in any task order and may span chunks;
 * each record is checked on its own and against its section (parents, fd order), while the
 * cross-section rules (TREE coverage, objref consistency) are the resolver's.
 * Offsets in errors count from the start of the stream's concatenated payloads.
 */
public final class HostStreamParser {
    /** Records are at most 8 + 32767 bytes; a small buffer keeps 100 concurrent parses cheap. */
    private static final int BUFFER = 64 * 1024;
    private final FormatOptions options;

    public HostStreamParser(FormatOptions options) {
        this.options = options;
    }

    public ParsedStream parse(CompleteStream s) throws IOException {
        List<ByteBuffer> payloads = new ArrayList<>(s.chunks().size() + 1);
        long tasksEnd = 0;
        for (int i = 0; i < s.chunks().size(); i++) {
            ByteBuffer p = s.payload(i);
            payloads.add(p);
            tasksEnd += p.remaining();
        }
        long beginEnd = payloads.get(0).remaining();
        payloads.add(s.end().getPayload().asReadOnlyBuffer());
        RecordInput in = new RecordInput(new BuffersInputStream(payloads), BUFFER);

        next(in, "HEAD");
        ImageHeader header = HeadRecord.read(in);
        next(in, "TREE");
        int tasksNr = TreeRecord.read(in, options.maxTasks());
        List<PidsEntry> tree = new ArrayList<>(Math.min(tasksNr, 1024));
        Set<Integer> pids = new HashSet<>();
        for (int i = 0; i < tasksNr; i++) {
            long at = in.offset();
            PidsEntry e = PidsEntry.read(in, i);
            if (!pids.add(e.vpid())) throw new StreamFormatException(at, "pid " + e.vpid() + " appears twice in TREE");
            tree.add(e);
        }
        if (in.offset() != beginEnd) {
            throw new StreamFormatException(in.offset(), "BEGIN must hold exactly HEAD, TREE and its pids: "
                    + "they end at " + in.offset() + ", BEGIN's payload at " + beginEnd);
        }

        List<TaskSection> sections = new ArrayList<>();
        while (in.offset() < tasksEnd) {
            sections.add(readSection(in));
            if (in.offset() > tasksEnd) {
                throw new StreamFormatException(sections.get(sections.size() - 1).streamOffset(),
                        "task section runs past the last TASKS chunk into END");
            }
        }
        next(in, "TAIL");
        if (in.recordOffset() != tasksEnd) {
            throw new StreamFormatException(in.recordOffset(), "TAIL must start END's payload");
        }
        TailRecord.read(in);
        if (in.ensure(1)) throw new StreamFormatException(in.offset(), "bytes after TAIL in END");
        return new ParsedStream(header, tree, sections);
    }

    private TaskSection readSection(RecordInput in) throws IOException {
        next(in, "TASK");
        long at = in.recordOffset();
        if (in.recordType() != RecordType.TASK) {
            throw in.error(CrHdr.OFF_TYPE - CrHdr.SIZE, "type", "a task section starts with TASK, found "
                    + RecordType.describe(in.recordType()));
        }
        TaskRecord task = TaskRecord.read(in);
        next(in, "STRING (comm)");
        RawBytes comm = StringRecord.readComm(in);
        next(in, "FILES");
        FilesRecord files = FilesRecord.read(in, options.maxFdsPerTask());
        int pid = in.recordParent();
        if (pid <= 0) throw in.parentError(Integer.toUnsignedString(pid) + ", must be the task's pid (> 0)");
        int tableRef = files.objref();
        List<StreamFd> fds = new ArrayList<>(Math.min(files.nfds(), 4096));
        int prevFd = -1;
        for (int i = 0; i < files.nfds(); i++) {
            // labels are constants: building a string per record costs more than parsing it
            next(in, "FD_ENT", pid);
            long fdAt = in.recordOffset();
            FdEntry e = FdEntRecord.read(in);
            in.expectParent(tableRef, "the FILES objref of this task");
            if (e.fd() <= prevFd) {
                throw in.error(FdEntRecord.OFF_FD, "fd", "fd " + e.fd() + " after fd " + prevFd + ": fds must ascend");
            }
            prevFd = e.fd();
            next(in, "FD_DATA", pid);
            FdDataRecord data = FdDataRecord.read(in, options.strictV13());
            in.expectParent(e.objref(), "the objref of the FD_ENT before");
            next(in, "FNAME", pid);
            RawBytes path = FnameRecord.read(in);
            OpenFile file = data.toOpenFile(e.objref(), path);
            fds.add(new StreamFd(e, file, fdAt));
        }
        return new TaskSection(pid, task, comm, tableRef, fds, at);
    }

    private static void next(RecordInput in, String expected) throws IOException {
        next(in, expected, 0);
    }

    private static void next(RecordInput in, String expected, int pid) throws IOException {
        if (!CrHdr.read(in)) {
            throw new StreamFormatException(in.offset(), "stream ends where " + expected + " should follow"
                    + (pid == 0 ? "" : " (task section of pid " + pid + ")"));
        }
    }
}
