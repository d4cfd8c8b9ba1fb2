package io.fleetckpt.agent.select;

import io.fleetckpt.format.model.RawBytes;
import io.fleetckpt.format.model.TaskInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * /proc/PID/stat of one process: pid, comm (raw bytes), state, ppid, session, the task's flags,
 * exit_signal, exit_code. comm may hold any byte, ')' included, so the fields are found after the
 * last ')'.
 */
public record ProcStat(int pid, RawBytes comm, char stateLetter, int ppid, int session, long flags, int exitSignal,
                       int exitCode, long startTime) {
    /** PF_KTHREAD in the task's flags (field 9): a kernel thread, which has no fd table of its own. */
    static final long PF_KTHREAD = 0x00200000;

    /** @return the stat, or null if the process does not exist (any more) */
    public static ProcStat read(int pid) throws IOException {
        return parseFile(Path.of("/proc", Integer.toString(pid), "stat"));
    }

    /** A stat file (/proc/PID/stat or /proc/PID/task/TID/stat); null if it is gone. */
    public static ProcStat parseFile(Path statFile) throws IOException {
        byte[] b;
        try {
            b = Files.readAllBytes(statFile);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (!Files.exists(statFile)) return null; // exited while we read (ESRCH)
            throw e;
        }
        return parse(b);
    }

    static ProcStat parse(byte[] b) {
        int open = indexOf(b, (byte) '(');
        int close = lastIndexOf(b, (byte) ')');
        if (open < 0 || close < open) throw new IllegalArgumentException("malformed /proc stat line");
        int pid = Integer.parseInt(new String(b, 0, open, StandardCharsets.US_ASCII).trim());
        RawBytes comm = RawBytes.copyOf(Arrays.copyOfRange(b, open + 1, close));
        String[] f = new String(b, close + 2, b.length - close - 2, StandardCharsets.US_ASCII).trim().split(" ");
        // f[0] is field 3 (state); field n is f[n - 3]
        char state = f[0].charAt(0);
        int ppid = Integer.parseInt(f[1]);
        int session = Integer.parseInt(f[6 - 3]);
        long flags = Long.parseLong(f[9 - 3]);
        long start = Long.parseLong(f[22 - 3]);
        int exitSignal = f.length > 38 - 3 ? Integer.parseInt(f[38 - 3]) : 0;
        int exitCode = f.length > 52 - 3 ? Integer.parseInt(f[52 - 3]) : 0;
        return new ProcStat(pid, comm, state, ppid, session, flags, exitSignal, exitCode, start);
    }

    /**
     * The TASK record's numbers: {@code state} as the kernel numbers the task's {@code __state}
     * (R 0, S 1, D 2, T 4, t 8, P 0x40, I 0x402), {@code exit_state} for zombies and dead tasks
     * (Z 0x20, X 0x10).
     */
    public TaskInfo toTaskInfo(int tgid) {
        int state = switch (stateLetter) {
            case 'S' -> 1;
            case 'D' -> 2;
            case 'T' -> 4;
            case 't' -> 8;
            case 'P' -> 0x40;
            case 'I' -> 0x402;
            default -> 0; // R, and Z/X whose state lives in exit_state
        };
        int exitState = stateLetter == 'Z' ? 0x20 : stateLetter == 'X' ? 0x10 : 0;
        return new TaskInfo(pid, tgid, ppid, comm, state, exitState, exitCode, exitSignal);
    }

    /** A kernel thread: nothing to capture (it uses no fd table), and no freezer cgroup takes it. */
    public boolean kernelThread() {
        return (flags & PF_KTHREAD) != 0;
    }

    public boolean gone() {
        return stateLetter == 'Z' || stateLetter == 'X';
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) if (b[i] == c) return i;
        return -1;
    }

    private static int lastIndexOf(byte[] b, byte c) {
        for (int i = b.length - 1; i >= 0; i--) if (b[i] == c) return i;
        return -1;
    }
}
