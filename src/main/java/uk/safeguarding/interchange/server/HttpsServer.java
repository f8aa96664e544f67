package uk.safeguarding.interchange.server;

import jakarta.servlet.DispatcherType;
import java.net.BindException;
import java.util.EnumSet;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.config.StartupException;

/**
 * The gateway's one Jetty server: one HTTPS connector (TLS 1.3/1.2, client certificate requested), one servlet
 * context whose every path runs through {@link ClientCertificateFilter}, and the {@link ServletMount}s given. Every
 * answer carries {@code Strict-Transport-Security} and {@code Cache-Control: no-store} (nothing the gateway answers may
 * be kept by a cache: documents and states about children, refusals, health).
 */
public final class HttpsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpsServer.class);

    private static final PreEncodedHttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");

    private final Server server;
    private final ServerConnector connector;

    private HttpsServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Binds {@code host:port} (0 = any free port) and starts serving.
     *
     * @throws StartupException when the port is in use, with the one-line advice for operators
     */
    public static HttpsServer start(
            String host,
            int port,
            SSLContext sslContext,
            ClientCertificateFilter authFilter,
            List<ServletMount> mounts) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("https");
        Server server = new Server(threads);
        server.setStopTimeout(10_000);
        server.setStopAtShutdown(false); // GatewayRuntime orders the shutdown

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(sslContext);
        tls.setWantClientAuth(true);
        tls.setNeedClientAuth(false);
        tls.setIncludeProtocols(TlsContexts.PROTOCOLS);
        tls.setIncludeCipherSuites(TlsContexts.CIPHER_SUITES);
        tls.setRenegotiationAllowed(false);
        tls.setSniRequired(false);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSecureScheme("https");
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Host-name checking is the client's job; the gateway answers on whatever name reaches the loopback.
        secure.setSniHostCheck(false);
        secure.setStsMaxAge(31_536_000);
        http.addCustomizer(secure);
        // Here rather than per route: Camel's HTTP binding drops a Cache-Control header a route sets.
        http.addCustomizer((request, responseHeaders) -> {
            responseHeaders.put(NO_STORE);
            return request;
        });

        ServerConnector connector =
                new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addFilter(new FilterHolder(authFilter), "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        for (ServletMount mount : mounts) {
            ServletHolder holder = new ServletHolder(mount.name(), mount.servlet());
            holder.setInitOrder(1);
            for (String pathSpec : mount.pathSpecs()) {
                context.addServlet(holder, pathSpec);
            }
        }
        server.setHandler(context);

        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            if (causedBy(e, BindException.class)) {
                throw new StartupException("Port " + port + " on " + host
                        + " is already in use: stop the other process or set gateway.https.port");
            }
            throw new IllegalStateException("The HTTPS server failed to start", e);
        }
        log.info("HTTPS (mutual TLS) listening on {}:{}", host, connector.getLocalPort());
        return new HttpsServer(server, connector);
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        stopQuietly(server);
        log.info("HTTPS server stopped");
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("The HTTPS server did not stop cleanly: {}", e.toString());
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (type.isInstance(s)) {
                    return true;
                }
            }
        }
        return false;
    }
}
