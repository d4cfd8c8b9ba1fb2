package io.fleetckpt.agent.capture;

/**
 * Why a task could not be captured (completely): the task is left out of the image rather than
 * written with a silently short fd table.
 *
 * @param pid  the task
 * @param fd   the fd concerned, or -1 when the whole task is
 * @param kind what class of failure
 * @param what a sentence for people, naming the call and errno
 */
public record TaskError(int pid, int fd, Kind kind, String what) {
    public enum Kind {
        /** the process exited (or became a zombie) before or during the capture */
        EXITED,
        /** /proc or kcmp refused access */
        PERMISSION,
        /** the fd was listed but gone when read: the table changed under the scan */
        FD_CLOSED,
        /** without freezing, consecutive scans never agreed */
        UNSTABLE,
        /** the selection named something that is not there */
        NOT_FOUND,
        /** a thread of the process has an fd table of its own: the process has more than one table */
        THREAD_TABLE,
        /**
         * a call of the capture did not return in time (a hung filesystem?), or the frozen window
         * reached its bound before the task was read: the task was thawed with the others
         */
        HUNG,
        /** strict v13 output cannot express the task (a pipe, a socket, a shared table...) */
        NOT_V13,
        /** anything else the kernel answered with an error */
        IO
    }

    public static TaskError task(int pid, Kind kind, String what) {
        return new TaskError(pid, -1, kind, what);
    }

    @Override
    public String toString() {
        return "pid " + pid + (fd >= 0 ? " fd " + fd : "") + ": " + kind.name().toLowerCase() + ": " + what;
    }
}
