package ai.backend.it.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The WebSocket relay of {@code backend.ai proxy}, through the packaged launcher: subprotocols are
 * negotiated with the upstream, messages of both kinds keep their order, and a close on either side
 * reaches the other with its code and reason.
 */
public class CliProxyWebSocketTest {
  @RegisterExtension
  static final CliServerExtension server = new CliServerExtension();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Terminating a session closes its stream: local-server's close reaches the proxy's client. */
  @Test
  void theUpstreamsCloseReachesTheClient(Launcher cli) throws Exception {
    Process proxy = cli.start("backend.ai", "proxy", "-p", "0");
    try {
      String base = "http://127.0.0.1:" + proxyPort(proxy);
      HttpResponse<String> created = http.send(
          HttpRequest.newBuilder(URI.create(base + "/session"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(
                  "{\"name\":\"relay-close\",\"image\":\"python\",\"config\":{}}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(created.statusCode() < 300, created.statusCode() + " " + created.body());
      Client c = new Client();
      http.newWebSocketBuilder()
          .buildAsync(
              URI.create(base.replace("http:", "ws:") + "/stream/session/relay-close/execute"), c)
          .get(20, TimeUnit.SECONDS);
      HttpResponse<String> deleted = http.send(
          HttpRequest.newBuilder(URI.create(base + "/session/relay-close"))
              .DELETE()
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(deleted.statusCode() < 300, deleted.statusCode() + " " + deleted.body());
      assertEquals("1000 session terminated", c.closed.get(20, TimeUnit.SECONDS));
    } finally {
      stop(proxy);
    }
  }

  /**
   * local-server negotiates no subprotocol, so a test upstream does: the proxy offers the client's
   * list upstream and answers the client with upstream's choice.
   */
  @Test
  void subprotocolsTextBinaryAndClosesPassThrough(Launcher cli) throws Exception {
    try (Upstream up = new Upstream()) {
      Process proxy = cli.env("BACKEND_ENDPOINT", up.uri()).start("backend.ai", "proxy", "-p", "0");
      try {
        URI ws = URI.create("ws://127.0.0.1:" + proxyPort(proxy) + "/stream/echo");
        Client c = new Client();
        WebSocket socket = http.newWebSocketBuilder()
            .subprotocols("a.v1", "b.v2")
            .buildAsync(ws, c)
            .get(20, TimeUnit.SECONDS);
        assertEquals("b.v2", socket.getSubprotocol());
        assertEquals(List.of("a.v1", "b.v2"), up.offered);
        assertTrue(up.authorization.startsWith("BackendAI signMethod=HMAC-"), up.authorization);

        socket.sendText("one", true).get(5, TimeUnit.SECONDS);
        socket
            .sendBinary(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}), true)
            .get(5, TimeUnit.SECONDS);
        socket.sendText("three", true).get(5, TimeUnit.SECONDS);
        assertEquals("text:one", c.next());
        assertEquals("binary:0,1,2,255", c.next());
        assertEquals("text:three", c.next());

        socket.sendClose(4001, "client bye").get(5, TimeUnit.SECONDS);
        assertEquals("4001 client bye", up.closes.poll(20, TimeUnit.SECONDS));
        assertEquals("4001 client bye", c.closed.get(20, TimeUnit.SECONDS));

        Client d = new Client();
        WebSocket second = http.newWebSocketBuilder().buildAsync(ws, d).get(20, TimeUnit.SECONDS);
        assertEquals("", second.getSubprotocol()); // none asked, none chosen
        second.sendText("close-me", true);
        assertEquals("4002 upstream bye", d.closed.get(20, TimeUnit.SECONDS));
      } finally {
        stop(proxy);
      }
    }
  }

  static int proxyPort(Process proxy) throws Exception {
    BufferedReader err =
        new BufferedReader(new InputStreamReader(proxy.getErrorStream(), StandardCharsets.UTF_8));
    String line = err.readLine();
    Matcher m = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+) ").matcher(String.valueOf(line));
    assertTrue(m.find(), String.valueOf(line));
    return Integer.parseInt(m.group(1));
  }

  static void stop(Process proxy) throws InterruptedException {
    proxy.destroy();
    if (!proxy.waitFor(20, TimeUnit.SECONDS)) {
      proxy.destroyForcibly();
    }
  }

  /** What the client received, as "text:…" / "binary:…" lines, and its close as "code reason". */
  static final class Client implements WebSocket.Listener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      messages.add("text:" + data);
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      StringBuilder b = new StringBuilder("binary:");
      while (data.hasRemaining()) {
        b.append(data.get() & 0xff).append(data.hasRemaining() ? "," : "");
      }
      messages.add(b.toString());
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      closed.complete(code + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }

    String next() throws InterruptedException {
      String m = messages.poll(20, TimeUnit.SECONDS);
      assertNotNull(m, "no message through the relay");
      return m;
    }
  }

  /**
   * A Backend.AI-like upstream: {@code GET /} answers the version; {@code /stream/echo} picks the last
   * subprotocol offered, echoes messages, closes with 4002 on "close-me" and records the client's
   * close. Public, as its endpoint: Jetty binds the listener methods through method handles.
   */
  public static final class Upstream implements AutoCloseable {
    final Server jetty = new Server();
    final List<String> offered = new CopyOnWriteArrayList<>();
    final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    volatile String authorization = "";

    Upstream() throws Exception {
      ServerWebSocketContainer ws = ServerWebSocketContainer.ensure(jetty);
      ServerConnector connector = new ServerConnector(jetty, 1, 1);
      connector.setHost("127.0.0.1");
      jetty.addConnector(connector);
      jetty.setHandler(new Handler.Abstract() {
        @Override
        public boolean handle(Request req, Response resp, Callback cb) {
          if (req.getHttpURI().getPath().equals("/stream/echo")) {
            authorization = String.valueOf(req.getHeaders().get(HttpHeader.AUTHORIZATION));
            return ws.upgrade(
                (rq, rs, c) -> {
                  offered.addAll(rq.getSubProtocols());
                  if (!rq.getSubProtocols().isEmpty()) {
                    rs.setAcceptedSubProtocol(rq.getSubProtocols().get(1));
                  }
                  return new Echo();
                },
                req,
                resp,
                cb);
          }
          resp.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
          resp.write(
              true,
              StandardCharsets.UTF_8.encode(
                  "{\"version\":\"v9.20250722\",\"manager\":\"25.12.0\"}"),
              cb);
          return true;
        }
      });
      jetty.start();
    }

    String uri() {
      return "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() throws Exception {
      jetty.stop();
    }

    public final class Echo implements Session.Listener.AutoDemanding {
      private Session session;

      @Override
      public void onWebSocketOpen(Session s) {
        session = s;
      }

      @Override
      public void onWebSocketText(String text) {
        if (text.equals("close-me")) {
          session.close(4002, "upstream bye", org.eclipse.jetty.websocket.api.Callback.NOOP);
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

      @Override
      public void onWebSocketClose(
          int code, String reason, org.eclipse.jetty.websocket.api.Callback callback) {
        closes.add(code + " " + reason);
        callback.succeed();
      }
    }
  }
}
