package io.fleetckpt.kafka;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain TCP connect to each bootstrap address, to say why no broker answered: a Kafka client
 * only logs the reason, once a second, and gives up with "timeout" after a minute.
 */
final class BootstrapProbe {
    private BootstrapProbe() {
    }

    /**
     * What a connect to each address of a bootstrap list found: {@code "TCP connect: connection
     * refused, ..."} for one address, {@code "TCP connect to a:1: ...; to b:2: ..."} for more.
     */
    static String describe(String bootstrapServers, int connectTimeoutMs) {
        List<String> addresses = new ArrayList<>();
        for (String a : bootstrapServers.split(",")) if (!a.isBlank()) addresses.add(a.strip());
        if (addresses.size() == 1) return "TCP connect: " + probe(addresses.get(0), connectTimeoutMs);
        List<String> parts = new ArrayList<>();
        for (String a : addresses) parts.add("to " + a + ": " + probe(a, connectTimeoutMs));
        return "TCP connect " + String.join("; ", parts);
    }

    /** What a connect to one {@code HOST:PORT} ({@code [v6]:PORT}) found. */
    static String probe(String address, int connectTimeoutMs) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) return "not HOST:PORT";
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return "not HOST:PORT";
        }
        if (port < 1 || port > 65535) return "port out of range";
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            return ACCEPTS;
        } catch (UnknownHostException e) {
            return "unknown host";
        } catch (SocketTimeoutException e) {
            return "timed out after " + connectTimeoutMs + " ms, a firewall or no such host on the network";
        } catch (ConnectException e) {
            return "connection refused, nothing listens on that port";
        } catch (NoRouteToHostException e) {
            return "no route to host";
        } catch (IllegalArgumentException | IOException e) {
            // an unresolved address is reported as IllegalArgumentException by some resolvers
            return "failed: " + e.getMessage();
        }
    }

    /** Something listens there, yet no Kafka answer came: the likely reasons. */
    static final String ACCEPTS = "it connects, so something listens there that gave no Kafka answer: another service "
            + "on that port, or a listener that wants TLS or SASL (security.protocol)";
}
