package io.fleetckpt.agent.freeze;

/** How the tasks of a capture were kept still. */
public enum FreezeMethod {
    /** cgroup v2 cgroup.freeze */
    CGROUP_V2,
    /** cgroup v1 freezer.state */
    CGROUP_V1,
    /** SIGSTOP/SIGCONT, when no freezer cgroup could be used */
    SIGSTOP,
    /** nothing to freeze: every task was frozen by someone else already */
    ALREADY_FROZEN,
    /** not frozen (--no-freeze, or freezing failed): scanned until two scans agreed */
    NONE
}
