package ai.backend.client.port.websocket;

import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.WebSocketChannel;
import ai.backend.client.port.WebSocketConnector;
import ai.backend.client.port.WebSocketListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link WebSocketConnector} on the JDK's {@code java.net.http.WebSocket}, shared by the adapters
 * (Apache HttpClient 5.6 has no WebSocket client). Fragments are joined into whole messages, which are
 * delivered one at a time; the next frame is requested only after the listener returns.
 */
public final class JdkWebSocketConnector implements WebSocketConnector {
  // the JDK computes these itself and rejects them in Builder.header()
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final HttpClient client;
  private final Duration connectTimeout;

  /**
   * @param client the client whose proxy, TLS and executor settings the WebSockets use
   * @param connectTimeout opening-handshake timeout, or {@code null} for none
   */
  public JdkWebSocketConnector(HttpClient client, Duration connectTimeout) {
    this.client = client;
    this.connectTimeout = connectTimeout;
  }

  @Override
  public CompletableFuture<WebSocketChannel> connect(
      URI uri, HttpHeaders headers, WebSocketListener listener) {
    WebSocket.Builder builder = client.newWebSocketBuilder();
    if (connectTimeout != null) {
      builder.connectTimeout(connectTimeout);
    }
    List<String> protocols = new ArrayList<>();
    headers.map().forEach((name, values) -> {
      if (name.equals("sec-websocket-protocol")) {
        values.forEach(v -> {
          for (String p : v.split(",")) {
            if (!p.isBlank()) {
              protocols.add(p.trim());
            }
          }
        });
      } else if (!RESTRICTED.contains(name)
          && !name.toLowerCase(Locale.ROOT).startsWith("sec-websocket-")) {
        values.forEach(v -> builder.header(name, v));
      }
    });
    if (!protocols.isEmpty()) {
      builder.subprotocols(
          protocols.get(0), protocols.subList(1, protocols.size()).toArray(String[]::new));
    }
    Bridge bridge = new Bridge(listener);
    CompletableFuture<WebSocketChannel> result = new CompletableFuture<>();
    CompletableFuture<WebSocket> opening;
    try {
      opening = builder.buildAsync(uri, bridge);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    opening.whenComplete((ws, error) -> {
      if (error != null) {
        result.completeExceptionally(WsErrors.map(error));
      } else {
        result.complete(bridge.channel(ws));
      }
    });
    // cancelling the caller's future abandons the handshake and drops a late connection
    result.whenComplete((ch, error) -> {
      if (result.isCancelled()) {
        opening.cancel(true);
        opening.thenAccept(WebSocket::abort);
      }
    });
    return result;
  }

  /** Translates JDK listener callbacks into whole-message {@link WebSocketListener} calls. */
  private static final class Bridge implements WebSocket.Listener {
    private final WebSocketListener listener;
    private final StringBuilder text = new StringBuilder();
    private byte[] binary = new byte[0];
    private int binaryLength;
    private JdkChannel channel;

    Bridge(WebSocketListener listener) {
      this.listener = listener;
    }

    synchronized JdkChannel channel(WebSocket ws) {
      if (channel == null) {
        channel = new JdkChannel(ws);
      }
      return channel;
    }

    @Override
    public void onOpen(WebSocket ws) {
      if (deliver(ws, () -> listener.onOpen(channel(ws)))) {
        ws.request(1);
      }
    }

    @Override
    public CompletableFuture<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data); // copied: the JDK may reuse data once we return
      if (!last) {
        ws.request(1);
        return null;
      }
      String message = text.toString();
      text.setLength(0);
      if (deliver(ws, () -> listener.onText(channel(ws), message))) {
        ws.request(1);
      }
      return null;
    }

    @Override
    public CompletableFuture<?> onBinary(WebSocket ws, java.nio.ByteBuffer data, boolean last) {
      int n = data.remaining();
      if (binaryLength + n > binary.length) {
        binary = java.util.Arrays.copyOf(binary, Math.max(binaryLength + n, binary.length * 2));
      }
      data.get(binary, binaryLength, n);
      binaryLength += n;
      if (!last) {
        ws.request(1);
        return null;
      }
      java.nio.ByteBuffer message =
          java.nio.ByteBuffer.wrap(java.util.Arrays.copyOf(binary, binaryLength));
      binary = new byte[0];
      binaryLength = 0;
      if (deliver(ws, () -> listener.onBinary(channel(ws), message))) {
        ws.request(1);
      }
      return null;
    }

    @Override
    public CompletableFuture<?> onClose(WebSocket ws, int statusCode, String reason) {
      deliver(ws, () -> listener.onClose(channel(ws), statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      try {
        listener.onError(channel(ws), WsErrors.map(error));
      } catch (RuntimeException ignored) {
        // the connection is already gone; nothing else to tell
      }
    }

    /** Runs a listener callback; a throwing listener aborts the connection and gets onError. */
    private boolean deliver(WebSocket ws, Runnable callback) {
      try {
        callback.run();
        return true;
      } catch (RuntimeException e) {
        ws.abort();
        try {
          listener.onError(channel(ws), e);
        } catch (RuntimeException ignored) {
          // already reporting a listener failure
        }
        return false;
      }
    }
  }

  /** Serialises sends: the JDK allows one outstanding send per kind at a time. */
  private static final class JdkChannel implements WebSocketChannel {
    private final WebSocket ws;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    JdkChannel(WebSocket ws) {
      this.ws = ws;
    }

    @Override
    public CompletableFuture<Void> sendText(String text) {
      return enqueue(() -> ws.sendText(text, true));
    }

    @Override
    public CompletableFuture<Void> sendBinary(java.nio.ByteBuffer data) {
      return enqueue(() -> ws.sendBinary(data, true));
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
      return enqueue(() -> ws.sendClose(code, reason == null ? "" : reason));
    }

    @Override
    public void abort() {
      ws.abort();
    }

    @Override
    public boolean isOpen() {
      return !ws.isOutputClosed() && !ws.isInputClosed();
    }

    @Override
    public String subprotocol() {
      return ws.getSubprotocol();
    }

    private synchronized CompletableFuture<Void> enqueue(
        java.util.function.Supplier<CompletableFuture<WebSocket>> send) {
      CompletableFuture<Void> next = tail.handle((r, e) -> null)
          .thenCompose(x -> send.get())
          .handle((w, e) -> {
            if (e != null) {
              throw WsErrors.map(e);
            }
            return null;
          });
      tail = next;
      return next;
    }
  }
}
