package io.fleetckpt.format;

/** What {@link RecordStreamReader#next()} has just read. */
public enum ImageEvent {
    /** HEAD: see {@link RecordStreamReader#header()}. */
    HEADER,
    /** TREE and its pids array: see {@link RecordStreamReader#pids()}. */
    TREE,
    /** TASK + STRING + FILES of the next task: see taskInfo(), tableRef(), nfds(). */
    TASK,
    /** One FD_ENT, with its FD_DATA + FNAME when they follow: see fdEntry(), openFile(). */
    FD,
    /** TAIL (and, for an image, the end of input right after it). */
    END
}
