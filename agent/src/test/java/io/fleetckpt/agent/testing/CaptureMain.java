package io.fleetckpt.agent.testing;

import io.fleetckpt.agent.CaptureRequest;
import io.fleetckpt.agent.CaptureResult;
import io.fleetckpt.agent.Capturer;
import io.fleetckpt.agent.capture.CapturedFd;
import io.fleetckpt.agent.capture.CapturedTask;
import io.fleetckpt.agent.capture.TaskError;
import io.fleetckpt.agent.select.Selector;
import io.fleetckpt.agent.sys.Syscalls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A capture in a JVM of its own, for tests that start it as another user. usage: CaptureMain
 * STATE_DIR PID...; prints "FROZEN true|false", then "TASK pid fd,fd,...", "ERROR pid fd KIND
 * what" and "NOTE text" lines.
 */
public final class CaptureMain {
    private CaptureMain() {
    }

    public static void main(String[] args) throws Exception {
        List<Selector> sel = new ArrayList<>();
        for (int i = 1; i < args.length; i++) sel.add(new Selector.Pid(Integer.parseInt(args[i])));
        try (Capturer c = new Capturer(Syscalls.system())) {
            CaptureResult r = c.capture(CaptureRequest.of(sel).withStateDir(Path.of(args[0])));
            System.out.println("FROZEN " + r.frozen());
            for (CapturedTask t : r.tasks()) {
                System.out.println("TASK " + t.pid() + " " + fds(t.fds()));
            }
            for (TaskError e : r.errors()) System.out.println("ERROR " + e.pid() + " " + e.fd() + " " + e.kind() + " " + e.what());
            for (String n : r.notes()) System.out.println("NOTE " + n);
        }
    }

    static String fds(List<CapturedFd> fds) {
        return fds.stream().map(f -> Integer.toString(f.fd())).collect(Collectors.joining(","));
    }
}
