package uk.safeguarding.interchange.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The load generator's HTTP/1.1 client: blocking mutual-TLS connections kept alive and reused (one per caller at a
 * time, from a pool), each request written in one piece, each response read by its {@code Content-Length} or chunked
 * transfer coding. It does what the generator needs and nothing more, so that the client takes as little as possible
 * of the cores it shares with the gateway (the JDK's {@code HttpClient} took 1.9–3.3 ms of CPU per referral here:
 * docs/performance.md section 23). The server's certificate is checked against the given trust and the URL's host
 * name. Thread-safe.
 */
final class BenchHttp implements AutoCloseable {
    /** Jetty closes a connection idle for 30 s; one idle this long is not reused (a request could meet the close). */
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(20);

    private static final int TIMEOUT_MILLIS = 60_000;
    private static final int MAX_HEADER_LINE = 8192;

    record Response(int status, byte[] body) {}

    private final SSLContext context;
    private final String host;
    private final int port;
    private final BlockingQueue<Connection> idle = new LinkedBlockingQueue<>();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();

    BenchHttp(SSLContext context, URI base) {
        if (!"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("Not an https URL: " + base);
        }
        this.context = context;
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 443 : base.getPort();
    }

    Response get(String path) throws IOException {
        return exchange("GET", path, null, null, true);
    }

    /** @param retry whether the request may be sent again on a fresh connection when a reused one fails silently */
    Response post(String path, String contentType, byte[] body, boolean retry) throws IOException {
        return exchange("POST", path, contentType, body, retry);
    }

    private Response exchange(String method, String path, String contentType, byte[] body, boolean retry)
            throws IOException {
        byte[] request = request(method, path, contentType, body);
        Connection connection = reusable();
        boolean reused = connection != null;
        if (!reused) {
            connection = connect();
        }
        try {
            return finish(connection, connection.exchange(request));
        } catch (SilentClose e) {
            connection.close();
            if (!reused || !retry) {
                throw e;
            }
            Connection fresh = connect();
            try {
                return finish(fresh, fresh.exchange(request));
            } catch (IOException | RuntimeException again) {
                fresh.close();
                throw again;
            }
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private Response finish(Connection connection, Response response) {
        if (connection.keepAlive) {
            connection.idleSince = System.nanoTime();
            idle.offer(connection);
        } else {
            connection.close();
        }
        return response;
    }

    private Connection reusable() {
        for (Connection c = idle.poll(); c != null; c = idle.poll()) {
            if (System.nanoTime() - c.idleSince < MAX_IDLE_NANOS) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private Connection connect() throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            SSLParameters tls = socket.getSSLParameters();
            tls.setProtocols(new String[] {"TLSv1.3"});
            tls.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(tls);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.startHandshake();
            return new Connection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private byte[] request(String method, String path, String contentType, byte[] body) {
        StringBuilder head = new StringBuilder(160)
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append(':')
                .append(port)
                .append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        if (body == null) {
            return headBytes;
        }
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    @Override
    public void close() {
        idle.clear();
        open.forEach(Connection::close);
    }

    /** A reused connection that the server had closed: nothing of a response arrived. */
    private static final class SilentClose extends IOException {
        SilentClose() {
            super("The connection was closed before any response byte");
        }
    }

    private final class Connection {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;
        boolean keepAlive;
        long idleSince;

        Connection(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
            open.add(this);
        }

        Response exchange(byte[] request) throws IOException {
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                throw silent(e);
            }
            int first = in.read();
            if (first < 0) {
                throw new SilentClose();
            }
            return read(first);
        }

        private IOException silent(IOException cause) {
            IOException e = new SilentClose();
            e.initCause(cause);
            return e;
        }

        private Response read(int first) throws IOException {
            String status = line(first);
            // "HTTP/1.1 200 OK"
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("Not an HTTP/1.1 status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            keepAlive = true;
            for (String header = line(in.read()); !header.isEmpty(); header = line(in.read())) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("Not a header line: " + header);
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" ->
                        chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                    case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
                    default -> {}
                }
            }
            byte[] body;
            if (chunked) {
                body = chunkedBody();
            } else if (length >= 0) {
                body = in.readNBytes(Math.toIntExact(length));
                if (body.length != length) {
                    throw new EOFException("The response ended before its Content-Length");
                }
            } else {
                body = in.readAllBytes(); // neither: the body runs to the end of the connection
                keepAlive = false;
            }
            return new Response(code, body);
        }

        private byte[] chunkedBody() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (; ; ) {
                String size = line(in.read());
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (n == 0) {
                    while (!line(in.read()).isEmpty()) {
                        // trailers: none expected, read and ignored
                    }
                    return body.toByteArray();
                }
                byte[] chunk = in.readNBytes(n);
                if (chunk.length != n) {
                    throw new EOFException("The response ended inside a chunk");
                }
                body.write(chunk);
                if (!line(in.read()).isEmpty()) {
                    throw new IOException("No line end after a chunk");
                }
            }
        }

        /** One header line (CRLF or LF ended, without it), starting with the byte already read. */
        private String line(int first) throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int b = first; ; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("The response ended inside its head");
                }
                if (b == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                if (line.length() >= MAX_HEADER_LINE) {
                    throw new IOException("A response header line is longer than " + MAX_HEADER_LINE);
                }
                line.append((char) b);
            }
        }

        void close() {
            open.remove(this);
            try {
                socket.close();
            } catch (IOException e) {
                // closing a connection we no longer use: nothing to do
            }
        }
    }
}
