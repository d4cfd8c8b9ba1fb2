package io.fleetckpt.agent.capture;

import io.fleetckpt.agent.select.Selector;

/**
 * Why a task could not be captured (completely): the task is left out of the image rather than
 * written with a silently short fd table.
 *
 * @param pid      the task, or 0 when the error is a selector's (no task to name)
 * @param fd       the fd concerned, or -1 when the whole task is
 * @param kind     what class of failure
 * @param what     a sentence for people, naming the call and errno
 * @param selector the selector that named nothing usable ({@code --cgroup /x}), or null for a task's error
 */
public record TaskError(int pid, int fd, Kind kind, String what, String selector) {
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

    /** A task's error, or an fd's. */
    public TaskError(int pid, int fd, Kind kind, String what) {
        this(pid, fd, kind, what, null);
    }

    public static TaskError task(int pid, Kind kind, String what) {
        return new TaskError(pid, -1, kind, what);
    }

    /** A selector's error: it names the selector, as {@link Selector#describe()} does, since there is no pid to name. */
    public static TaskError selector(Selector s, Kind kind, String what) {
        return new TaskError(0, -1, kind, what, s.describe());
    }

    @Override
    public String toString() {
        String who = selector != null ? selector : "pid " + pid + (fd >= 0 ? " fd " + fd : "");
        return who + ": " + kind.name().toLowerCase() + ": " + what;
    }
}
