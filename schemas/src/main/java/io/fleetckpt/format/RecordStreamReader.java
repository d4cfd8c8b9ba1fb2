package io.fleetckpt.format;

import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.FdType;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.TaskInfo;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The validating pull parser behind {@link ImageReader} and the host-stream section reader: a
 * state machine fed one record at a time, checking order, lengths, parents, objref order and fd
 * order as it goes, and reporting each completed unit as an {@link ImageEvent}. The two grammars
 * differ in one rule only: in an image FD_DATA + FNAME follow an FD_ENT exactly when its objref
 * is new; in a host stream they follow every FD_ENT ({@link #dataOnEveryFd}).
 *
 * <p>Accessors describe the last event and stay valid until the next call to {@link #next()}.
 */
public abstract class RecordStreamReader {
    private enum State { HEAD, TREE, TASK_OR_TAIL, STRING, FILES, FD_ENT_OR_NEXT, FD_DATA, FNAME, DONE }

    private final FormatOptions options;
    private final boolean dataOnEveryFd;
    private final ObjrefTracker objrefs = new ObjrefTracker();
    protected RecordInput in;
    private State state = State.HEAD;

    private ImageHeader header;
    private List<PidsEntry> pids = List.of();
    private int tasksNr;
    private int taskIndex = -1;
    private TaskRecord taskRecord;
    private RawBytes comm;
    private TaskInfo taskInfo;
    private int tableRef;
    private boolean tableRepeat;
    private int nfds;
    private int fdsLeft;
    private int prevFd;
    private long fdCount;
    private long recordCount;

    // the current fd entry and its FD_DATA as fields, not objects: a reader sees millions of them,
    // and most users only ask for the objref; fdEntry() and openFile() build objects on demand
    private int fdNumber;
    private boolean fdCloseOnExec;
    private int fdObjref;
    private FdEntry fdEntry;
    private boolean fdNew;
    private FdType dataType; // null: no FD_DATA followed the current FD_ENT
    private int dataMode;
    private int dataFlags;
    private long dataPos;
    private long dataVersion;
    private int pathIndex;
    private int pathLength;
    private RawBytes path;
    private OpenFile openFile;
    private long eventOffset;

    protected RecordStreamReader(FormatOptions options, boolean dataOnEveryFd) {
        this.options = options;
        this.dataOnEveryFd = dataOnEveryFd;
    }

    public FormatOptions options() {
        return options;
    }

    /**
     * Reads up to the next complete unit. Returns null when the input ends at a record boundary
     * and more may come (a host stream between chunks); an image reader turns that into a
     * truncation error instead ({@link #endOfInput()}).
     */
    public ImageEvent next() throws IOException {
        while (true) {
            if (state == State.DONE) return null;
            long at = in.offset();
            if (state == State.HEAD && in.ensure(2) && in.getShort(in.position()) != RecordType.HEAD) {
                // say "not an image" rather than whatever the garbage's len field happens to be
                throw new ImageFormatException(at, RecordType.NONE, "cr_hdr.type", "not an fd-table image: the first record"
                        + " must be HEAD (1), found type " + in.getShort(in.position()));
            }
            if (!CrHdr.read(in)) {
                endOfInput();
                return null;
            }
            recordCount++;
            int type = in.recordType();
            switch (state) {
                case HEAD -> {
                    eventOffset = at;
                    header = HeadRecord.read(in);
                    state = State.TREE;
                    return ImageEvent.HEADER;
                }
                case TREE -> {
                    eventOffset = at;
                    expect(RecordType.TREE, "after HEAD");
                    readTree();
                    state = State.TASK_OR_TAIL;
                    return ImageEvent.TREE;
                }
                case TASK_OR_TAIL -> {
                    eventOffset = at;
                    if (taskOrTail(type)) return ImageEvent.END;
                }
                case STRING -> {
                    expect(RecordType.STRING, "after TASK (the comm)");
                    comm = StringRecord.readComm(in);
                    state = State.FILES;
                }
                case FILES -> {
                    expect(RecordType.FILES, "after the comm STRING");
                    readFiles();
                    state = State.FD_ENT_OR_NEXT;
                    return ImageEvent.TASK;
                }
                case FD_ENT_OR_NEXT -> {
                    eventOffset = at;
                    if (fdsLeft > 0) {
                        if (type != RecordType.FD_ENT) throw missingFdEnt(type);
                        if (readFdEnt()) return ImageEvent.FD;
                    } else if (type == RecordType.FD_ENT) {
                        throw in.error(CrHdr.OFF_TYPE - CrHdr.SIZE, "type", "FD_ENT beyond the " + nfds
                                + " fds that FILES.nfds announced for task " + taskInfo.pid());
                    } else if (type == RecordType.FD_DATA) {
                        throw fdDataOutOfPlace();
                    } else if (taskOrTail(type)) {
                        return ImageEvent.END;
                    }
                }
                case FD_DATA -> {
                    if (type != RecordType.FD_DATA) {
                        expect(RecordType.FD_DATA, "after the FD_ENT of " + (fdNew ? "new " : "") + "objref " + fdObjref);
                    }
                    int p = in.payloadIndex();
                    dataType = FdDataRecord.check(in, options.strictV13());
                    dataMode = in.getUShort(p + FdDataRecord.OFF_F_MODE);
                    dataFlags = in.getInt(p + FdDataRecord.OFF_F_FLAGS);
                    dataPos = in.getLong(p + FdDataRecord.OFF_F_POS);
                    dataVersion = in.getLong(p + FdDataRecord.OFF_F_VERSION);
                    in.endRecord();
                    in.expectParent(fdObjref, "the objref of the FD_ENT before");
                    state = State.FNAME;
                }
                case FNAME -> {
                    expect(RecordType.FNAME, "after FD_DATA");
                    pathIndex = in.payloadIndex();
                    pathLength = FnameRecord.check(in);
                    in.endRecord();
                    fdsLeft--;
                    state = State.FD_ENT_OR_NEXT;
                    return ImageEvent.FD;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    /** Called when the input ends at a record boundary before TAIL. */
    protected abstract void endOfInput() throws ImageFormatException;

    /** What the reader expects next, for truncation messages. */
    protected String expecting() {
        return switch (state) {
            case HEAD -> "HEAD";
            case TREE -> "TREE";
            case TASK_OR_TAIL -> taskIndex + 1 < tasksNr ? "TASK " + (taskIndex + 2) + " of " + tasksNr : "TAIL";
            case STRING -> "STRING (comm)";
            case FILES -> "FILES";
            case FD_ENT_OR_NEXT -> fdsLeft > 0 ? "FD_ENT (" + (nfds - fdsLeft + 1) + " of " + nfds + ")"
                    : taskIndex + 1 < tasksNr ? "TASK" : "TAIL";
            case FD_DATA -> "FD_DATA";
            case FNAME -> "FNAME";
            case DONE -> "nothing";
        };
    }

    protected boolean isDone() {
        return state == State.DONE;
    }

    /** True once TREE was read: task sections may follow. */
    protected boolean pastTree() {
        return state != State.HEAD && state != State.TREE;
    }

    private void expect(int type, String where) throws ImageFormatException {
        if (in.recordType() != type) {
            throw in.error(CrHdr.OFF_TYPE - CrHdr.SIZE, "type", "expected " + RecordType.describe(type) + " " + where
                    + ", found " + describeFound(in.recordType()));
        }
    }

    private static String describeFound(int type) {
        String s = RecordType.describe(type);
        if (RecordType.isOutsideProfile(type)) {
            s += ", which the fd-table profile never holds (no HEAD_ARCH, MM, THREAD or CPU records:"
                    + " this is a memory checkpoint, not an fd-table image)";
        }
        return s;
    }

    private void readTree() throws IOException {
        tasksNr = TreeRecord.read(in, options.maxTasks());
        // grow with the data actually present rather than trusting tasks_nr for the allocation
        List<PidsEntry> list = new ArrayList<>(Math.min(tasksNr, 1024));
        Set<Integer> seen = new HashSet<>(Math.min(tasksNr, 1024) * 2);
        for (int i = 0; i < tasksNr; i++) {
            long at = in.offset();
            PidsEntry e = PidsEntry.read(in, i);
            if (!seen.add(e.vpid())) {
                throw new ImageFormatException(at + PidsEntry.OFF_VPID, at, RecordType.PIDS, "pids[" + i + "].vpid",
                        "pid " + e.vpid() + " appears twice in the tree");
            }
            list.add(e);
        }
        pids = Collections.unmodifiableList(list);
    }

    /** At TASK_OR_TAIL: starts the next task (false) or reads TAIL (true). */
    private boolean taskOrTail(int type) throws IOException {
        boolean moreTasks = taskIndex + 1 < tasksNr;
        if (type == RecordType.TASK && moreTasks) {
            taskIndex++;
            taskRecord = TaskRecord.read(in);
            state = State.STRING;
            return false;
        }
        if (type == RecordType.TAIL && !moreTasks) {
            TailRecord.read(in);
            state = State.DONE;
            afterTail();
            return true;
        }
        String problem;
        if (type == RecordType.TASK) problem = "TASK beyond the " + tasksNr + " tasks of TREE.tasks_nr";
        else if (type == RecordType.TAIL) problem = "TAIL after " + (taskIndex + 1) + " of the " + tasksNr + " task sections TREE announced";
        else problem = "expected " + (moreTasks ? "TASK" : "TAIL") + ", found " + describeFound(type);
        throw in.error(CrHdr.OFF_TYPE - CrHdr.SIZE, "type", problem);
    }

    /** Called right after TAIL; an image checks that nothing follows. */
    protected void afterTail() throws IOException {
        if (in.ensure(1)) {
            throw new ImageFormatException(in.offset(), RecordType.NONE, "trailing data",
                    "bytes after TAIL (an image ends with TAIL)");
        }
    }

    private void readFiles() throws IOException {
        PidsEntry pe = pids.get(taskIndex);
        FilesRecord f = FilesRecord.read(in, options.maxFdsPerTask());
        if (in.recordParent() != pe.vpid()) in.expectParent(pe.vpid(), "the pid of task " + (taskIndex + 1) + " in TREE order");
        taskInfo = new TaskInfo(pe.vpid(), pe.vtgid(), pe.vppid(), comm, taskRecord.state(),
                taskRecord.exitState(), taskRecord.exitCode(), taskRecord.exitSignal());
        int ref = f.objref();
        tableRepeat = false;
        if (ref != 0) {
            if (options.strictV13()) {
                throw in.error(FilesRecord.OFF_OBJREF, "objref", "shared fd table " + ref
                        + " is an extension; strict v13 requires 0");
            }
            if (ref == objrefs.next()) {
                objrefs.addTable();
            } else if (objrefs.isSeen(ref) && objrefs.isTable(ref)) {
                tableRepeat = true;
                if (f.nfds() != 0) {
                    throw in.error(FilesRecord.OFF_NFDS, "nfds", f.nfds() + ", must be 0: fd table " + ref
                            + " was written in full by an earlier task");
                }
            } else if (objrefs.isSeen(ref)) {
                throw in.error(FilesRecord.OFF_OBJREF, "objref", "objref " + ref + " names an open file, not an fd table");
            } else {
                throw in.error(FilesRecord.OFF_OBJREF, "objref", "objref " + Integer.toUnsignedString(ref)
                        + " skips ahead: the next new objref is " + objrefs.next() + " (first-seen order)");
            }
        }
        tableRef = ref;
        nfds = f.nfds();
        fdsLeft = nfds;
        prevFd = -1;
    }

    /** Returns true when the fd entry is complete without FD_DATA (a seen objref in an image). */
    private boolean readFdEnt() throws IOException {
        dataType = null;
        path = null;
        openFile = null;
        fdEntry = null;
        int p = FdEntRecord.check(in);
        int fd = in.getInt(p + FdEntRecord.OFF_FD);
        int ref = in.getInt(p + FdEntRecord.OFF_OBJREF);
        fdCloseOnExec = in.getInt(p + FdEntRecord.OFF_CLOSE_ON_EXEC) == 1;
        in.endRecord();
        in.expectParent(tableRef, "the FILES objref of this task");
        if (fd <= prevFd) {
            throw in.error(FdEntRecord.OFF_FD, "fd", "fd " + fd + " after fd " + prevFd + ": fds must ascend");
        }
        prevFd = fd;
        if (objrefs.isSeen(ref)) {
            if (objrefs.isTable(ref)) {
                throw in.error(FdEntRecord.OFF_OBJREF, "objref", "objref " + ref + " names an fd table, not an open file");
            }
            fdNew = false;
        } else if (ref == objrefs.next()) {
            objrefs.addFile();
            fdNew = true;
        } else {
            throw in.error(FdEntRecord.OFF_OBJREF, "objref", "objref " + ref + " skips ahead: the next new objref is "
                    + objrefs.next() + " (first-seen order)");
        }
        fdNumber = fd;
        fdObjref = ref;
        fdCount++;
        if (fdNew || dataOnEveryFd) {
            state = State.FD_DATA;
            return false;
        }
        fdsLeft--;
        return true;
    }

    private ImageFormatException missingFdEnt(int type) {
        if (type == RecordType.FD_DATA) return fdDataOutOfPlace();
        return in.error(CrHdr.OFF_TYPE - CrHdr.SIZE, "type", "expected FD_ENT " + (nfds - fdsLeft + 1) + " of the "
                + nfds + " that FILES.nfds announced for task " + taskInfo.pid() + ", found " + describeFound(type));
    }

    private ImageFormatException fdDataOutOfPlace() {
        String why = fdsLeft < nfds
                ? "FD_DATA after the FD_ENT of objref " + fdObjref + ", which was already seen: FD_DATA follows only an objref's first FD_ENT"
                : "FD_DATA without an FD_ENT before it";
        return in.error(CrHdr.OFF_TYPE - CrHdr.SIZE, "type", why);
    }

    /** Offset of the first record of the last event. */
    public long eventOffset() {
        return eventOffset;
    }

    /** Offset of the next unread byte. */
    public long offset() {
        return in == null ? 0 : in.offset();
    }

    public ImageHeader header() {
        return header;
    }

    /** The TREE's pids entries, in TREE (depth-first pre-order) order. */
    public List<PidsEntry> pids() {
        return pids;
    }

    public int tasksNr() {
        return tasksNr;
    }

    /** 0-based index of the current task in TREE order. */
    public int taskIndex() {
        return taskIndex;
    }

    public TaskInfo taskInfo() {
        return taskInfo;
    }

    /** FILES.objref of the current task: 0 for a private table, else the shared table's objref. */
    public int tableRef() {
        return tableRef;
    }

    /** True when the current task shares a table an earlier task wrote (its FILES has nfds 0). */
    public boolean tableRepeat() {
        return tableRepeat;
    }

    /** FILES.nfds of the current task. */
    public int nfds() {
        return nfds;
    }

    public FdEntry fdEntry() {
        if (fdEntry == null) fdEntry = new FdEntry(fdNumber, fdCloseOnExec, fdObjref);
        return fdEntry;
    }

    /** The current fd entry's objref ({@code fdEntry().objref()} without building the entry). */
    public int fdObjref() {
        return fdObjref;
    }

    /** True when the current fd entry's objref was seen for the first time. */
    public boolean fdNew() {
        return fdNew;
    }

    /** True when FD_DATA + FNAME followed the current fd entry. */
    public boolean hasOpenFile() {
        return dataType != null;
    }

    /** The FD_DATA + FNAME of the current fd entry, or null when none followed it. */
    public OpenFile openFile() {
        if (dataType == null) return null;
        if (openFile == null) openFile = new OpenFile(fdObjref, dataType, dataMode, dataFlags, dataPos, dataVersion, path());
        return openFile;
    }

    /** The FNAME path of the current fd entry, or null. */
    public RawBytes path() {
        if (dataType == null) return null;
        if (path == null) path = RawBytes.copyOf(in.buffer(), pathIndex, pathLength);
        return path;
    }

    /** How many objrefs (open files and shared tables) were given so far. */
    public int objrefCount() {
        return objrefs.count();
    }

    public long fdCount() {
        return fdCount;
    }

    public long recordCount() {
        return recordCount;
    }
}
