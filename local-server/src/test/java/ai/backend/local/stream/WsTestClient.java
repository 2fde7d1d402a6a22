package ai.backend.local.stream;

import ai.backend.local.api.TestClient;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A signed {@link java.net.http.WebSocket} client for tests: every message lands in a queue. */
final class WsTestClient implements WebSocket.Listener, AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  /** One whole message. */
  record Msg(boolean binary, byte[] bytes) {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    JsonObject json() {
      return JsonParser.parseString(text()).getAsJsonObject();
    }
  }

  /** A refused handshake. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String body;

    Refused(int status, String body) {
      super("handshake refused: " + status + " " + body);
      this.status = status;
      this.body = body;
    }
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final BlockingQueue<Msg> messages = new LinkedBlockingQueue<>();
  /** Close code sent by the server (or -1 when the connection broke). */
  final CompletableFuture<Integer> closed = new CompletableFuture<>();

  private final StringBuilder text = new StringBuilder();
  private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
  WebSocket ws;

  private WsTestClient() {}

  /** Opens {@code target} (e.g. {@code /stream/session/x/pty}) signed with {@code secret} (null = unsigned). */
  static WsTestClient open(TestClient c, URI base, String target, String version, String secret)
      throws Exception {
    WsTestClient client = new WsTestClient();
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    c.headers("GET", target, version, null, secret, null).forEach(b::header);
    URI uri = URI.create("ws://" + base.getHost() + ":" + base.getPort() + target);
    try {
      client.ws = b.buildAsync(uri, client).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        Object body = h.getResponse().body();
        String text = body instanceof byte[] bytes
            ? new String(bytes, StandardCharsets.UTF_8)
            : String.valueOf(body);
        throw new Refused(h.getResponse().statusCode(), text);
      }
      throw e;
    }
    return client;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      messages.add(new Msg(false, text.toString().getBytes(StandardCharsets.UTF_8)));
      text.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] b = new byte[data.remaining()];
    data.get(b);
    binary.writeBytes(b);
    if (last) {
      messages.add(new Msg(true, binary.toByteArray()));
      binary.reset();
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(-1);
  }

  /** The next message, or an assertion failure after {@link #WAIT}. */
  Msg next() throws InterruptedException {
    Msg m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (m == null) {
      throw new AssertionError(
          "no message within " + WAIT + (closed.isDone() ? " (socket closed)" : ""));
    }
    return m;
  }

  /** The close code, waiting at most {@link #WAIT}. */
  int awaitClose() throws Exception {
    return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  void send(String s) {
    ws.sendText(s, true).join();
  }

  void send(JsonObject o) {
    send(o.toString());
  }

  void sendBinary(byte[] b) {
    ws.sendBinary(ByteBuffer.wrap(b), true).join();
  }

  @Override
  public void close() {
    if (ws != null && !ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
    }
    if (ws != null) {
      // don't wait for the server's close frame: tests end with the server anyway
      closed.completeOnTimeout(-1, 5, TimeUnit.SECONDS).join();
      ws.abort();
    }
  }
}
