package io.fleetckpt.cli.inspect;

import io.fleetckpt.format.ImageFormatException;
import io.fleetckpt.format.model.FdEntry;
import io.fleetckpt.format.model.ImageHeader;
import io.fleetckpt.format.model.OpenFile;
import io.fleetckpt.format.model.TaskInfo;
import io.fleetckpt.format.record.PidsEntry;

import java.io.IOException;
import java.util.List;

/** What {@link ImageWalker} reports, in image order; one implementation per output format. */
public interface InspectSink {
    void start(String file, long size) throws IOException;

    void header(ImageHeader h) throws IOException;

    void tree(List<PidsEntry> pids) throws IOException;

    /**
     * @param tableRef 0 for a private table
     * @param firstTaskOfTable pid of the task that wrote a shared table, or 0 when this task did
     */
    void task(TaskInfo t, int tableRef, int firstTaskOfTable, int nfds) throws IOException;

    /**
     * @param file the open file (from this entry's FD_DATA or from its objref's first sighting);
     *             null only if it was not kept (over the inspector's memory cap)
     * @param references how many fd entries of the whole image name this objref (more than one:
     *                   shared)
     */
    void fd(FdEntry e, OpenFile file, boolean firstSighting, int references) throws IOException;

    void endTask() throws IOException;

    /** @param error null when the image is valid */
    void verdict(ImageFormatException error, ImageWalker.Counts counts) throws IOException;
}
