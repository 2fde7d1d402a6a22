package ai.backend.client.cli.proxy;

import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ExitCode;
import ai.backend.client.cli.Term;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.internal.Json;
import ai.backend.client.internal.RawCalls;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.RequestBody;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * The insecure local API proxy of {@code backend.ai proxy} (spec §11), on Jetty's core handler API:
 * each request is re-issued through the session's pipeline ({@link RawCalls}: common headers,
 * signature), bodies streamed both ways; WebSocket upgrades under {@code /stream/} and {@code
 * /wsproxy/} are accepted by Jetty and relayed to a signed upstream WebSocket ({@link
 * WebSocketRelay}).
 */
public final class ProxyServer extends Handler.Abstract implements AutoCloseable {
  private static final Pattern VERSION_PREFIX = Pattern.compile("^/v\\d+/");
  /** Incoming headers never forwarded (hop-by-hop, recomputed, or the signature's own). */
  private static final Set<String> DROP = Set.of(
      "host",
      "connection",
      "keep-alive",
      "transfer-encoding",
      "te",
      "trailer",
      "upgrade",
      "proxy-connection",
      "proxy-authorization",
      "proxy-authenticate",
      "content-length",
      "authorization",
      "date",
      "x-backendai-date",
      "x-backendai-version",
      "expect",
      "user-agent");
  /** Upstream headers not copied: hop-by-hop, framing (Jetty frames the streamed body), CORS (ours). */
  private static final Set<String> DROP_RESPONSE = Set.of(
      "connection",
      "keep-alive",
      "transfer-encoding",
      "content-length",
      "access-control-allow-origin");
  /** Sessions end sockets; a terminal may sit quiet for long, as may a long poll. */
  private static final Duration IDLE = Duration.ofHours(1);
  /** Largest WebSocket message relayed (the manager's default {@code max_wsmsg_size}). */
  private static final int MAX_WS_MESSAGE = 16 << 20;

  private final RawCalls raw;
  private final Term term;
  private final Set<String> allowedOrigins;
  private final Server jetty;
  private final ServerWebSocketContainer webSockets;
  private final ServerConnector connector;

  /**
   * Binds and starts the proxy.
   *
   * @param allowedOrigins web origins ({@code scheme://host[:port]}) whose pages may call the proxy
   *     (CORS); a request from any other web page is refused
   */
  public ProxyServer(RawCalls raw, String bind, int port, Set<String> allowedOrigins, Term term) {
    this.raw = raw;
    this.term = term;
    this.allowedOrigins = allowedOrigins.stream()
        .map(ProxyServer::normalizeOrigin)
        .collect(Collectors.toUnmodifiableSet());
    QueuedThreadPool pool = new QueuedThreadPool(200, 4);
    pool.setName("proxy");
    pool.setDaemon(true);
    jetty = new Server(pool);
    webSockets = ServerWebSocketContainer.ensure(jetty);
    webSockets.setIdleTimeout(IDLE);
    webSockets.setMaxTextMessageSize(MAX_WS_MESSAGE);
    webSockets.setMaxBinaryMessageSize(MAX_WS_MESSAGE);
    jetty.addBean(webSockets);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false); // the upstream's Date is copied
    http.setUriCompliance(
        UriCompliance.UNSAFE); // forward %2F and the like as received (signed raw)
    http.setRequestHeaderSize(64 * 1024);
    connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(bind);
    connector.setPort(port);
    connector.setAcceptedTcpNoDelay(true);
    connector.setIdleTimeout(IDLE.toMillis());
    jetty.addConnector(connector);
    jetty.setHandler(this);
    jetty.setStopTimeout(1000);
    try {
      jetty.start();
    } catch (Exception e) {
      close();
      throw new CliException(
          ExitCode.UNAVAILABLE, "cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The port it listens on (the real one when 0 was asked for). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Blocks until {@link #close()}. */
  public void serve() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() {
    try {
      jetty.stop();
    } catch (Exception e) {
      term.warn("proxy: " + e);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    HttpFields in = request.getHeaders();
    String refused = refusal(in);
    if (refused != null) {
      problem(response, callback, 403, "generic-forbidden", refused);
      return true;
    }
    String origin = in.get(HttpHeader.ORIGIN);
    allowOrigin(response, origin);
    if (origin != null
        && request.getMethod().equals("OPTIONS")
        && in.get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD) != null) {
      String asked = in.get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
      HttpFields.Mutable out = response.getHeaders();
      out.put(
          HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS");
      out.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, asked == null ? "Content-Type" : asked);
      out.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, 600);
      response.setStatus(204);
      callback.succeeded();
      return true;
    }
    String path = VERSION_PREFIX.matcher(request.getHttpURI().getPath()).replaceFirst("/");
    URI upstream = upstreamUri(path, request.getHttpURI().getQuery(), false);
    if ((path.startsWith("/stream/") || path.startsWith("/wsproxy/"))
        && "websocket".equalsIgnoreCase(in.get(HttpHeader.UPGRADE))) {
      URI ws = upstreamUri(path, request.getHttpURI().getQuery(), true);
      if (!webSockets.upgrade(
          (rq, rs, cb) -> WebSocketRelay.open(raw, ws, rq, rs, cb), request, response, callback)) {
        problem(response, callback, 400, "generic-bad-request", "Invalid WebSocket handshake.");
      }
      return true;
    }
    forward(request, upstream, response, callback);
    return true;
  }

  /**
   * Why a request may not use the proxy, or null. The proxy signs whatever reaches it, so a web page
   * must not be able to reach it: no cross-origin request unless {@code --allow-origin} names the
   * origin (a text/plain POST needs no CORS preflight, so the browser's checks do not protect it),
   * and a {@code Host} that is an IP literal or localhost only, so that DNS rebinding cannot turn a
   * page's own origin into the proxy.
   */
  private String refusal(HttpFields in) {
    String host = in.get(HttpHeader.HOST);
    if (host == null || !loopbackOrLiteralHost(host)) {
      return "The proxy answers only requests addressed to localhost or an IP address (Host: "
          + (host == null ? "none" : host) + ").";
    }
    String origin = in.get(HttpHeader.ORIGIN);
    if (origin != null && !allowedOrigins.contains(normalizeOrigin(origin))) {
      return "Requests from the web origin " + origin
          + " are refused; run the proxy with --allow-origin " + origin + " to allow them.";
    }
    String site = in.get("Sec-Fetch-Site");
    if (origin == null
        && site != null
        && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
      return "Cross-site requests from web pages are refused.";
    }
    return null;
  }

  static boolean loopbackOrLiteralHost(String hostHeader) {
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      return h.indexOf(']') > 0; // an IPv6 literal
    }
    int colon = h.lastIndexOf(':');
    if (colon >= 0) {
      h = h.substring(0, colon);
    }
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  static String normalizeOrigin(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }

  /** CORS headers for an allowed origin (refusal() has turned the others away). */
  private static void allowOrigin(Response response, String origin) {
    if (origin != null) {
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin.trim());
      response.getHeaders().add(HttpHeader.VARY, "Origin");
    }
  }

  /** The upstream URI: endpoint + path ({@code /vN/} already stripped) + the raw query. */
  private URI upstreamUri(String path, String query, boolean webSocket) {
    URI ep = raw.config().endpoint();
    String base = ep.toString().replaceFirst("/$", "");
    if (webSocket) {
      base = (ep.getScheme().equalsIgnoreCase("https") ? "wss" : "ws")
          + base.substring(ep.getScheme().length());
    }
    return URI.create(base + path + (query != null && !query.isEmpty() ? "?" + query : ""));
  }

  private void forward(Request request, URI upstream, Response response, Callback callback) {
    HttpFields in = request.getHeaders();
    HttpHeaders.Builder h = HttpHeaders.builder();
    for (HttpField f : in) {
      if (!DROP.contains(f.getLowerCaseName())) {
        h.add(f.getName(), f.getValue());
      }
    }
    long length = request.getLength();
    if (length < 0 && !in.contains(HttpHeader.TRANSFER_ENCODING)) {
      length = 0;
    }
    InputStream body = Content.Source.asInputStream(request);
    RequestBody rb = length == 0
        ? RequestBody.empty()
        : RequestBody.ofStream(() -> body, length, in.get(HttpHeader.CONTENT_TYPE));
    HttpResponse resp;
    try {
      resp = raw.send(request.getMethod(), upstream, h.build(), rb);
    } catch (BackendIoException e) {
      problem(response, callback, 502, "bad-gateway", "The proxy target server is inaccessible.");
      return;
    } catch (RuntimeException e) {
      term.warn("proxy: " + e);
      problem(response, callback, 500, "internal-server-error", "Something has gone wrong.");
      return;
    }
    try (resp) {
      response.setStatus(resp.status());
      HttpFields.Mutable out = response.getHeaders();
      for (Map.Entry<String, List<String>> e : resp.headers().map().entrySet()) {
        if (!DROP_RESPONSE.contains(e.getKey().toLowerCase(Locale.ROOT))) {
          e.getValue().forEach(v -> out.add(e.getKey(), v));
        }
      }
      boolean noBody = request.getMethod().equals("HEAD")
          || resp.status() == 204
          || resp.status() == 304
          || resp.status() < 200;
      try (OutputStream sink = Content.Sink.asOutputStream(response)) {
        if (!noBody) {
          InputStream from = resp.body();
          byte[] buf = new byte[8192];
          for (int r; (r = from.read(buf)) > 0; ) {
            sink.write(buf, 0, r);
            sink.flush(); // streamed: SSE and long polls reach the client as they come
          }
        }
      }
      callback.succeeded();
    } catch (Exception e) {
      callback.failed(e); // the head may be out already: Jetty drops the connection
    }
  }

  private static void problem(
      Response response, Callback callback, int status, String type, String title) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", "https://api.backend.ai/probs/" + type);
    o.put("title", title);
    byte[] b = Json.write(o).getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, b.length);
    response.write(true, ByteBuffer.wrap(b), callback);
  }
}
