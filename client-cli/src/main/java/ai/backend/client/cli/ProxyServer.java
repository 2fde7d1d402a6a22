package ai.backend.client.cli;

import ai.backend.client.Config;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.internal.RawCalls;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.RequestBody;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;

/**
 * The insecure local API proxy of {@code backend.ai proxy} (spec §11): every request it receives is
 * re-issued to the configured endpoint through the session's request pipeline ({@link RawCalls}: common
 * headers, signature; body streamed), and WebSocket upgrades under {@code /stream/} and {@code
 * /wsproxy/} are relayed after a signed handshake.
 * HTTP/1.1 with one request per connection ({@code Connection: close}).
 */
public final class ProxyServer implements AutoCloseable {
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

  private static final Set<String> DROP_RESPONSE = Set.of(
      "connection",
      "keep-alive",
      "transfer-encoding",
      "content-length",
      "access-control-allow-origin");

  private final RawCalls raw;
  private final Config config;
  private final ServerSocket server;
  private final ExecutorService workers;
  private final Term term;
  private final Set<String> allowedOrigins;
  private volatile boolean closed;

  /**
   * @param allowedOrigins web origins ({@code scheme://host[:port]}) whose pages may call the proxy
   *     (CORS); none by default: a request from any other web page is refused
   */
  public ProxyServer(RawCalls raw, String bind, int port, Set<String> allowedOrigins, Term term)
      throws IOException {
    this.allowedOrigins = allowedOrigins.stream()
        .map(ProxyServer::normalizeOrigin)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    this.raw = raw;
    this.config = raw.config();
    this.term = term;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 64);
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "proxy-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Accepts connections until {@link #close()}. */
  public void serve() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      workers.execute(() -> handle(s));
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    workers.shutdownNow();
  }

  // --- one connection ----------------------------------------------------------------------

  private record Incoming(String method, String target, List<String[]> headers) {
    String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      Incoming req;
      try {
        req = readHead(in);
      } catch (IOException e) {
        return;
      }
      if (req == null) {
        return;
      }
      String refused = refusal(req);
      if (refused != null) {
        writeProblem(out, 403, "Forbidden", "generic-forbidden", refused, null);
        return;
      }
      String origin = req.header("origin");
      if (origin != null
          && req.method().equals("OPTIONS")
          && req.header("access-control-request-method") != null) {
        writePreflight(out, origin, req.header("access-control-request-headers"));
        return;
      }
      String upgrade = req.header("upgrade");
      if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
        relayWebSocket(req, socket, in, out);
        return;
      }
      forward(req, in, out);
    } catch (IOException | RuntimeException e) {
      if (!(e instanceof SocketException)) {
        term.warn("proxy: " + e);
      }
    }
  }

  /**
   * Why a request may not use the proxy, or null. The proxy signs whatever reaches it, so a web page
   * must not be able to reach it: no cross-origin request unless {@code --allow-origin} names the
   * origin (a text/plain POST needs no CORS preflight, so the browser's checks do not protect it),
   * and a {@code Host} that is an IP literal or localhost only, so that DNS rebinding cannot turn a
   * page's own origin into the proxy.
   */
  String refusal(Incoming req) {
    String host = req.header("host");
    if (host == null || !loopbackOrLiteralHost(host)) {
      return "The proxy answers only requests addressed to localhost or an IP address (Host: "
          + (host == null ? "none" : host) + ").";
    }
    String origin = req.header("origin");
    if (origin != null && !allowedOrigins.contains(normalizeOrigin(origin))) {
      return "Requests from the web origin " + origin
          + " are refused; run the proxy with --allow-origin " + origin + " to allow them.";
    }
    String site = req.header("sec-fetch-site");
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
      int end = h.indexOf(']');
      return end > 0; // an IPv6 literal
    }
    int colon = h.lastIndexOf(':');
    if (colon >= 0) {
      h = h.substring(0, colon);
    }
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    return h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  static String normalizeOrigin(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }

  /** The CORS headers for an allowed origin; none for a request without one. */
  private String corsHeaders(String origin) {
    return origin == null || !allowedOrigins.contains(normalizeOrigin(origin))
        ? ""
        : "Access-Control-Allow-Origin: " + origin.trim() + "\r\nVary: Origin\r\n";
  }

  private void writePreflight(OutputStream out, String origin, String requestHeaders)
      throws IOException {
    out.write(("HTTP/1.1 204 No Content\r\n" + corsHeaders(origin)
            + "Access-Control-Allow-Methods: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS\r\n"
            + "Access-Control-Allow-Headers: "
            + (requestHeaders == null ? "Content-Type" : requestHeaders.replaceAll("[\r\n]", ""))
            + "\r\nAccess-Control-Max-Age: 600\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private void forward(Incoming req, InputStream in, OutputStream out) throws IOException {
    URI upstream = upstreamUri(req.target(), "http");
    String contentType = req.header("content-type");
    InputStream body = bodyStream(req, in);
    long length = req.header("content-length") != null
        ? Long.parseLong(req.header("content-length").trim())
        : -1;
    if (req.header("transfer-encoding") == null && length < 0) {
      length = 0;
    }
    HttpHeaders.Builder h = HttpHeaders.builder();
    for (String[] kv : req.headers()) {
      if (!DROP.contains(kv[0].toLowerCase(Locale.ROOT))) {
        h.add(kv[0], kv[1]);
      }
    }
    RequestBody rb;
    if (length == 0) {
      rb = RequestBody.empty();
    } else {
      InputStream b = body;
      rb = RequestBody.ofStream(() -> b, length, contentType);
    }
    HttpResponse resp;
    try {
      resp = raw.send(req.method(), upstream, h.build(), rb);
    } catch (BackendIoException e) {
      writeError(out, 502, "Bad Gateway", "The proxy target server is inaccessible.");
      return;
    } catch (RuntimeException e) {
      writeError(out, 500, "Internal Server Error", "Something has gone wrong.");
      return;
    }
    try (resp) {
      StringBuilder head = new StringBuilder("HTTP/1.1 ")
          .append(resp.status())
          .append(' ')
          .append(reason(resp.status()))
          .append("\r\n");
      for (Map.Entry<String, List<String>> e : resp.headers().map().entrySet()) {
        if (DROP_RESPONSE.contains(e.getKey().toLowerCase(Locale.ROOT))) {
          continue;
        }
        for (String v : e.getValue()) {
          head.append(e.getKey()).append(": ").append(v).append("\r\n");
        }
      }
      boolean noBody = req.method().equals("HEAD")
          || resp.status() == 204
          || resp.status() == 304
          || resp.status() < 200;
      head.append(corsHeaders(req.header("origin"))).append("Connection: close\r\n");
      if (!noBody) {
        head.append("Transfer-Encoding: chunked\r\n");
      }
      head.append("\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (!noBody) {
        InputStream rin = resp.body();
        byte[] buf = new byte[8192];
        int r;
        while ((r = rin.read(buf)) > 0) {
          out.write((Integer.toHexString(r) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(buf, 0, r);
          out.write(CRLF);
          out.flush(); // streamed: SSE and long polls reach the client as they come
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
    }
  }

  private static final byte[] CRLF = {'\r', '\n'};

  /** The upstream URI: endpoint + path (a leading {@code /vN/} stripped) + the raw query. */
  private URI upstreamUri(String target, String scheme) {
    String path = target;
    String query = null;
    int q = target.indexOf('?');
    if (q >= 0) {
      path = target.substring(0, q);
      query = target.substring(q + 1);
    }
    path = VERSION_PREFIX.matcher(path).replaceFirst("/");
    URI ep = config.endpoint();
    String base = ep.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    if (scheme.equals("ws")) {
      base = (ep.getScheme().equalsIgnoreCase("https") ? "wss" : "ws")
          + base.substring(ep.getScheme().length());
    }
    return URI.create(base + path + (query != null && !query.isEmpty() ? "?" + query : ""));
  }

  // --- WebSocket relay -------------------------------------------------------------------------

  private void relayWebSocket(Incoming req, Socket client, InputStream cin, OutputStream cout)
      throws IOException {
    URI ws = upstreamUri(req.target(), "ws");
    boolean tls = ws.getScheme().equals("wss");
    int port = ws.getPort() > 0 ? ws.getPort() : tls ? 443 : 80;
    HttpHeaders signed = raw.webSocketHandshake(ws); // Host included: it is signed
    Socket up;
    try {
      up = tls
          ? SSLSocketFactory.getDefault().createSocket(ws.getHost(), port)
          : new Socket(ws.getHost(), port);
    } catch (IOException e) {
      writeError(cout, 502, "Bad Gateway", "The proxy target server is inaccessible.");
      return;
    }
    try (up) {
      up.setTcpNoDelay(true);
      StringBuilder head = new StringBuilder("GET ")
          .append(ws.getRawPath())
          .append(ws.getRawQuery() != null ? "?" + ws.getRawQuery() : "")
          .append(" HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
      for (String name : List.of(
          "Sec-WebSocket-Key",
          "Sec-WebSocket-Version",
          "Sec-WebSocket-Protocol",
          "Sec-WebSocket-Extensions",
          "Origin")) {
        String v = req.header(name);
        if (v != null) {
          head.append(name).append(": ").append(v).append("\r\n");
        }
      }
      for (Map.Entry<String, List<String>> e : signed.map().entrySet()) {
        for (String v : e.getValue()) {
          head.append(e.getKey()).append(": ").append(v).append("\r\n");
        }
      }
      head.append("\r\n");
      OutputStream uout = up.getOutputStream();
      uout.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      uout.flush();
      InputStream uin = up.getInputStream();
      Thread t = new Thread(
          () -> {
            pump(cin, uout);
            shutdownOutput(up);
          },
          "proxy-ws-up");
      t.setDaemon(true);
      t.start();
      pump(uin, cout); // upstream's 101 answer and its frames go back verbatim
      shutdownOutput(client);
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void pump(InputStream in, OutputStream out) {
    byte[] buf = new byte[16384];
    try {
      int r;
      while ((r = in.read(buf)) > 0) {
        out.write(buf, 0, r);
        out.flush();
      }
    } catch (IOException ignored) {
      // either side went away
    }
  }

  private static void shutdownOutput(Socket s) {
    try {
      s.shutdownOutput();
    } catch (IOException | UnsupportedOperationException ignored) {
      // already closed
    }
  }

  // --- HTTP/1.1 parsing ------------------------------------------------------------------------

  private static Incoming readHead(InputStream in) throws IOException {
    String requestLine = readLine(in);
    while (requestLine != null && requestLine.isEmpty()) {
      requestLine = readLine(in);
    }
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length < 3) {
      throw new IOException("bad request line");
    }
    List<String[]> headers = new ArrayList<>();
    String line;
    while ((line = readLine(in)) != null && !line.isEmpty()) {
      int c = line.indexOf(':');
      if (c > 0) {
        headers.add(
            new String[] {line.substring(0, c).trim(), line.substring(c + 1).trim()});
      }
    }
    String target = parts[1];
    if (target.startsWith("http://") || target.startsWith("https://")) {
      URI u = URI.create(target); // absolute-form (a client configured to use us as an HTTP proxy)
      target = u.getRawPath() + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
    }
    return new Incoming(parts[0].toUpperCase(Locale.ROOT), target, headers);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
      if (b.size() > 65536) {
        throw new IOException("header line too long");
      }
    }
    if (c < 0 && b.size() == 0) {
      return null;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static InputStream bodyStream(Incoming req, InputStream in) {
    String te = req.header("transfer-encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      return new ChunkedInputStream(in);
    }
    String cl = req.header("content-length");
    long n = cl == null ? 0 : Long.parseLong(cl.trim());
    return new BoundedInputStream(in, n);
  }

  private static void writeError(OutputStream out, int status, String reason, String title)
      throws IOException {
    writeProblem(
        out, status, reason, status == 502 ? "bad-gateway" : "internal-server-error", title, null);
  }

  private static void writeProblem(
      OutputStream out, int status, String reason, String type, String title, String msg)
      throws IOException {
    Map<String, Object> o = new java.util.LinkedHashMap<>();
    o.put("type", "https://api.backend.ai/probs/" + type);
    o.put("title", title);
    if (msg != null) {
      o.put("msg", msg);
    }
    byte[] b = ai.backend.client.internal.Json.write(o).getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/problem+json\r\n"
                + "Connection: close\r\nContent-Length: " + b.length + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.write(b);
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  /** Reads exactly {@code n} bytes of a fixed-length body. */
  private static final class BoundedInputStream extends FilterInputStream {
    private long left;

    BoundedInputStream(InputStream in, long n) {
      super(in);
      this.left = n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int r = super.read(b, off, (int) Math.min(len, left));
      if (r < 0) {
        throw new EOFException("body shorter than Content-Length");
      }
      left -= r;
      return r;
    }

    @Override
    public void close() {
      // the socket is closed by the connection handler
    }
  }

  /** Decodes a chunked request body. */
  private static final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long chunkLeft;
    private boolean eof;

    ChunkedInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (eof) {
        return -1;
      }
      if (chunkLeft == 0) {
        String size = readLine(in);
        if (size == null) {
          throw new EOFException("truncated chunked body");
        }
        int semi = size.indexOf(';');
        chunkLeft = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
        if (chunkLeft == 0) {
          String l;
          while ((l = readLine(in)) != null && !l.isEmpty()) {
            // trailers are dropped
          }
          eof = true;
          return -1;
        }
      }
      int r = in.read(b, off, (int) Math.min(len, chunkLeft));
      if (r < 0) {
        throw new EOFException("truncated chunked body");
      }
      chunkLeft -= r;
      if (chunkLeft == 0) {
        readLine(in);
      }
      return r;
    }
  }
}
