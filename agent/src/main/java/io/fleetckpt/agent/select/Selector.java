package io.fleetckpt.agent.select;

import java.util.regex.Pattern;

/** One way of naming processes to capture; a capture takes any mix of them. */
public sealed interface Selector {
    /** The selector in the words of the command line that gave it: {@code --cgroup /x}, {@code --comm re}. */
    default String describe() {
        if (this instanceof Pid p) return "--pid " + p.pid();
        if (this instanceof Tree t) return "--tree " + t.pid();
        if (this instanceof Cgroup c) return "--cgroup " + c.path();
        return "--comm " + ((Comm) this).regex().pattern();
    }

    /** One process (a thread id selects its process: threads share its fd table). */
    record Pid(int pid) implements Selector {
    }

    /** A process and all its descendants. */
    record Tree(int pid) implements Selector {
    }

    /**
     * Every process of a cgroup and its descendant cgroups. An absolute path is used as it is,
     * otherwise it is taken relative to the cgroup v2 mount, then the v1 freezer mount.
     */
    record Cgroup(String path) implements Selector {
    }

    /** Processes whose comm contains a match of the regular expression. */
    record Comm(Pattern regex) implements Selector {
    }

    static Selector pid(int pid) {
        return new Pid(pid);
    }

    static Selector tree(int pid) {
        return new Tree(pid);
    }
}
