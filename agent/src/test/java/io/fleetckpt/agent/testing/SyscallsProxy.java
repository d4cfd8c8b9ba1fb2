package io.fleetckpt.agent.testing;

import io.fleetckpt.agent.sys.Syscalls;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The real syscalls with a test's hand in between: to inject an answer the kernel would give
 * only in a situation a root test cannot make, or to act at an exact moment of the capture.
 */
public final class SyscallsProxy {
    /** Decides one call: returns the answer to give, or {@link #PASS} to make the real call. */
    public interface Hook {
        Object before(Method m, Object[] args) throws Exception;
    }

    public static final Object PASS = new Object();

    private SyscallsProxy() {
    }

    public static Syscalls around(Syscalls real, Hook hook) {
        return (Syscalls) Proxy.newProxyInstance(Syscalls.class.getClassLoader(), new Class<?>[] {Syscalls.class}, (proxy, m, args) -> {
            Object answer = hook.before(m, args);
            if (answer != PASS) return answer;
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
