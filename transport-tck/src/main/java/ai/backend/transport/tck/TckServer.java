package ai.backend.transport.tck;

import com.google.gson.Gson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
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
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The TCK's server: Jetty 12 core handlers on 127.0.0.1 (echo, byte counting, generated streams,
 * sleeps, held requests, multipart parsing, WebSocket echo), plus a raw socket server that reads a
 * request and never answers, to observe when the client drops the connection. Its threads are named
 * {@code tck-*} so the leak checks can tell them from the client's.
 */
final class TckServer implements AutoCloseable {
  static final String THREAD_PREFIX = "tck-";
  private static final Gson GSON = new Gson();

  final Server server;
  final int port;
  volatile CountDownLatch streamGate = new CountDownLatch(1);
  volatile boolean streamFinished;
  volatile CountDownLatch holdGate = new CountDownLatch(1);
  final AtomicInteger held = new AtomicInteger();
  final AtomicInteger released = new AtomicInteger();
  /** Connection ids that have carried a request. */
  final Set<String> connections = ConcurrentHashMap.newKeySet();
  /** Armed: the next /stale* request that arrives on a reused connection is dropped. */
  final AtomicBoolean dropNextReused = new AtomicBoolean();

  final AtomicInteger dropped = new AtomicInteger();
  /** /stale* requests received, by path. */
  final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  TckServer() throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(300);
    pool.setName(THREAD_PREFIX + "jetty");
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setUriCompliance(UriCompliance.UNSAFE); // the TCK must see raw targets exactly as sent
    http.setSendDateHeader(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, c -> {
      c.setMaxBinaryMessageSize(1 << 20);
      c.addMapping("/ws", (rq, rs, cb) -> new Echo());
    });
    ws.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        boolean reused = !connections.add(request.getConnectionMetaData().getId());
        String path = request.getHttpURI().getPath();
        if (path.startsWith("/stale")) {
          attempts.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
          if (reused && dropNextReused.compareAndSet(true, false)) {
            // what a server's idle timeout does to a pooled connection, caught in the act: the
            // request went out, the connection ends before any byte of a response
            dropped.incrementAndGet();
            request.getConnectionMetaData().getConnection().getEndPoint().close();
            callback.failed(new IOException("dropped a reused connection"));
            return true;
          }
        }
        TckServer.this.handle(request, response);
        callback.succeeded();
        return true;
      }
    });
    server.setHandler(ws);
    server.start();
    port = connector.getLocalPort();
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  private void handle(Request request, Response response) throws Exception {
    String path = request.getHttpURI().getPath();
    Map<String, String> q = query(request.getHttpURI().getQuery());
    switch (path) {
      case "/count" -> {
        long n = 0;
        try (InputStream in = Content.Source.asInputStream(request)) {
          byte[] buf = new byte[65536];
          for (int r; (r = in.read(buf)) >= 0; ) {
            n += r;
          }
        }
        text(response, Long.toString(n));
      }
      case "/stream" -> {
        long size = Long.parseLong(q.get("size"));
        streamFinished = false;
        response.getHeaders().put("Content-Type", "application/octet-stream");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
          byte[] chunk = new byte[65536];
          for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i;
          }
          long sent = 0;
          boolean first = true;
          while (sent < size) {
            int n = (int) Math.min(chunk.length, size - sent);
            out.write(chunk, 0, n);
            sent += n;
            if (first) {
              out.flush();
              first = false;
              if (!streamGate.await(30, TimeUnit.SECONDS)) {
                throw new IOException("stream gate never opened");
              }
            }
          }
          streamFinished = true;
        }
      }
      case "/stall" -> {
        // headers and the first bytes at once, then nothing for ms: a body that stalls mid-way
        response.getHeaders().put("Content-Type", "application/octet-stream");
        response.getHeaders().put("Content-Length", 20);
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
          out.write(new byte[10]);
          out.flush();
          Thread.sleep(Long.parseLong(q.get("ms")));
          out.write(new byte[10]);
        } catch (IOException gone) {
          // the client gave up on the body, as the test wants
        }
      }
      case "/sleep" -> {
        Thread.sleep(Long.parseLong(q.get("ms")));
        text(response, "slept");
      }
      case "/hold" -> {
        held.incrementAndGet();
        holdGate.await(30, TimeUnit.SECONDS);
        released.incrementAndGet();
        text(response, "released");
      }
      case "/multipart" -> {
        byte[] body = Content.Source.asInputStream(request).readAllBytes();
        json(response, parseMultipart(request.getHeaders().get("Content-Type"), body));
      }
      default -> echo(request, response);
    }
  }

  private static void echo(Request request, Response response) throws Exception {
    byte[] body = Content.Source.asInputStream(request).readAllBytes();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("method", request.getMethod());
    out.put("target", request.getHttpURI().getPathQuery());
    List<List<String>> headers = new ArrayList<>();
    for (HttpField f : request.getHeaders()) {
      headers.add(List.of(f.getName(), f.getValue()));
    }
    out.put("headers", headers);
    out.put("body", Base64.getEncoder().encodeToString(body));
    json(response, out);
  }

  static List<Map<String, Object>> parseMultipart(String contentType, byte[] body)
      throws Exception {
    String boundary = contentType
        .substring(contentType.indexOf("boundary=") + "boundary=".length())
        .trim();
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<Map<String, Object>> parts = new ArrayList<>();
    int pos = indexOf(body, delimiter, 0);
    if (pos != 0) {
      throw new IllegalArgumentException("body does not start with the delimiter");
    }
    while (true) {
      pos += delimiter.length;
      if (body[pos] == '-' && body[pos + 1] == '-') {
        if (pos + 4 != body.length || body[pos + 2] != '\r' || body[pos + 3] != '\n') {
          throw new IllegalArgumentException("bad close delimiter");
        }
        return parts;
      }
      pos += 2; // CRLF
      int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
      String headerText = new String(body, pos, headerEnd - pos, StandardCharsets.UTF_8);
      int next =
          indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), headerEnd + 4);
      byte[] content = java.util.Arrays.copyOfRange(body, headerEnd + 4, next);
      Map<String, Object> part = new LinkedHashMap<>();
      for (String line : headerText.split("\r\n")) {
        String lower = line.toLowerCase();
        if (lower.startsWith("content-disposition:")) {
          part.put("disposition", line.substring(line.indexOf(':') + 1).trim());
        } else if (lower.startsWith("content-type:")) {
          part.put("contentType", line.substring(line.indexOf(':') + 1).trim());
        }
      }
      part.put("size", content.length);
      part.put(
          "sha256",
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
      parts.add(part);
      pos = next + 2;
    }
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("delimiter not found");
  }

  private static void text(Response response, String s) throws IOException {
    response.getHeaders().put("Content-Type", "text/plain");
    try (OutputStream out = Content.Sink.asOutputStream(response)) {
      out.write(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void json(Response response, Object o) throws IOException {
    response.getHeaders().put("Content-Type", "application/json");
    try (OutputStream out = Content.Sink.asOutputStream(response)) {
      out.write(GSON.toJson(o).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    }
    return m;
  }

  /** Echoes text and binary; the text {@code close:CODE:REASON} makes the server close. */
  public static final class Echo implements Session.Listener.AutoDemanding {
    private Session session;

    @Override
    public void onWebSocketOpen(Session session) {
      this.session = session;
    }

    @Override
    public void onWebSocketText(String text) {
      if (text.equals("fragments")) {
        session.sendPartialText("frag", false, org.eclipse.jetty.websocket.api.Callback.NOOP);
        session.sendPartialText("ment", false, org.eclipse.jetty.websocket.api.Callback.NOOP);
        session.sendPartialText("ed", true, org.eclipse.jetty.websocket.api.Callback.NOOP);
      } else if (text.startsWith("close:")) {
        String[] p = text.split(":", 3);
        session.close(Integer.parseInt(p[1]), p[2], org.eclipse.jetty.websocket.api.Callback.NOOP);
      } else {
        session.sendText(text, org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
    }

    @Override
    public void onWebSocketBinary(
        ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
      ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
      callback.succeed();
      session.sendBinary(copy, org.eclipse.jetty.websocket.api.Callback.NOOP);
    }
  }

  @Override
  public void close() throws Exception {
    holdGate.countDown();
    streamGate.countDown();
    server.stop();
  }

  /**
   * A TCP server that reads one request head per connection, never answers, and records when the
   * client closes the connection.
   */
  static final class Silent implements AutoCloseable {
    final ServerSocket socket;
    final CountDownLatch requestRead = new CountDownLatch(1);
    final CountDownLatch clientClosed = new CountDownLatch(1);
    private final Thread acceptor;

    Silent() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(this::serve, THREAD_PREFIX + "silent");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve() {
      try (Socket s = socket.accept()) {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          head.write(b);
        }
        requestRead.countDown();
        while (in.read() >= 0) {
          // wait for the client to go away
        }
      } catch (IOException ignored) {
        // a reset counts as closed too
      }
      clientClosed.countDown();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
