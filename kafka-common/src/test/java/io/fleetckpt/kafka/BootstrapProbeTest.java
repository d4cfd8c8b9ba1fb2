package io.fleetckpt.kafka;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BootstrapProbeTest {
    @Test
    void saysWhatATcpConnectFinds() throws IOException {
        int closed = closedPort();
        assertEquals("connection refused, nothing listens on that port", BootstrapProbe.probe("127.0.0.1:" + closed, 1000));
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(BootstrapProbe.ACCEPTS, BootstrapProbe.probe("127.0.0.1:" + listening.getLocalPort(), 1000));
        }
        assertEquals("unknown host", BootstrapProbe.probe("nosuchhost.invalid:9092", 1000));
        assertEquals("not HOST:PORT", BootstrapProbe.probe("localhost", 1000));
        assertEquals("not HOST:PORT", BootstrapProbe.probe("localhost:x", 1000));
        assertEquals("port out of range", BootstrapProbe.probe("localhost:70000", 1000));
    }

    @Test
    void oneAddressIsNotRepeatedAndSeveralAreEachNamed() throws IOException {
        int closed = closedPort();
        assertEquals("TCP connect: connection refused, nothing listens on that port",
                BootstrapProbe.describe("127.0.0.1:" + closed, 1000));
        assertEquals("TCP connect to 127.0.0.1:" + closed + ": connection refused, nothing listens on that port; "
                + "to nosuchhost.invalid:1: unknown host", BootstrapProbe.describe("127.0.0.1:" + closed + ", nosuchhost.invalid:1", 1000));
    }

    /** A port nothing listens on: one the kernel just handed out and that was closed again. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
