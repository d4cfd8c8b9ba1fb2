package io.fleetckpt.agent.freeze;

import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.select.TaskSelector;
import io.fleetckpt.agent.sys.Syscalls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A stand-in agent for tests: freezes one pid, says FROZEN, and waits to be signalled. */
public final class FreezeAndWait {
    public static void main(String[] args) throws Exception {
        int pid = Integer.parseInt(args[0]);
        Path state = Path.of(args[1]);
        int self = (int) ProcessHandle.current().pid();
        CgroupMounts mounts = CgroupMounts.detect();
        var sel = new TaskSelector(self, mounts).select(List.of(new Selector.Pid(pid)));
        new Freezer(Syscalls.system(), mounts, state, self, Duration.ofSeconds(5)).freeze(sel);
        System.out.println("FROZEN");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
