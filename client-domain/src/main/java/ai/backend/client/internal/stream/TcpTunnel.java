package ai.backend.client.internal.stream;

import ai.backend.client.AppTunnel;
import ai.backend.client.BackendClientException;
import ai.backend.client.internal.ApiCore;
import ai.backend.client.internal.ApiRequest;
import ai.backend.client.port.WebSocketChannel;
import ai.backend.client.port.WebSocketListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The TCP proxy of spec §8.3: binary frames both ways over {@code …/tcpproxy?app=SERVICE}. */
public final class TcpTunnel implements AppTunnel {
  private final AppTunnel.Listener listener;
  private final Delivery delivery;
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private volatile WebSocketChannel channel;

  private TcpTunnel(AppTunnel.Listener listener, String session) {
    this.listener = listener;
    this.delivery = new Delivery(StreamSockets.threadName("app", session));
  }

  /** Connects to {@code service} in session {@code name}. */
  public static CompletableFuture<AppTunnel> open(ApiCore core, String name, String service, AppTunnel.Listener listener) {
    TcpTunnel t = new TcpTunnel(listener, name);
    String path = StreamSockets.path(core.dialect(), name, "tcpproxy");
    CompletableFuture<AppTunnel> result = StreamSockets.open(core, path,
        List.of(new ApiRequest.QueryParam("app", service)), t.socketListener()).thenApply(ch -> {
          t.channel = ch;
          return (AppTunnel) t;
        });
    result.whenComplete((v, e) -> {
      if (e != null) {
        t.delivery.finish();
        t.closed.completeExceptionally(e);
      }
    });
    return result;
  }

  private WebSocketListener socketListener() {
    return new WebSocketListener() {
      @Override
      public void onBinary(WebSocketChannel ch, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        delivery.submit(() -> listener.onData(b));
      }

      @Override
      public void onText(WebSocketChannel ch, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8); // not in the protocol; passed on rather than lost
        delivery.submit(() -> listener.onData(b));
      }

      @Override
      public void onClose(WebSocketChannel ch, int code, String reason) {
        delivery.submit(() -> listener.onClosed(code, reason));
        delivery.finish();
        closed.complete(code);
      }

      @Override
      public void onError(WebSocketChannel ch, Throwable error) {
        BackendClientException e = new BackendClientException("app tunnel failed: " + error.getMessage(), error);
        delivery.submit(() -> listener.onFailure(e));
        delivery.finish();
        closed.completeExceptionally(e);
      }
    };
  }

  @Override
  public CompletableFuture<Void> send(byte[] data) {
    WebSocketChannel ch = channel;
    if (ch == null || !ch.isOpen()) {
      return CompletableFuture.failedFuture(new BackendClientException("the app tunnel is closed"));
    }
    return ch.sendBinary(ByteBuffer.wrap(data.clone()));
  }

  @Override
  public CompletableFuture<Integer> closed() {
    return closed;
  }

  @Override
  public boolean isOpen() {
    WebSocketChannel ch = channel;
    return ch != null && ch.isOpen() && !closed.isDone();
  }

  @Override
  public void close() {
    WebSocketChannel ch = channel;
    if (ch != null && !closed.isDone()) {
      ch.close(1000, "").exceptionally(e -> {
        ch.abort();
        return null;
      });
    }
  }

  @Override
  public String toString() {
    return "AppTunnel[" + (isOpen() ? "open" : "closed") + "]";
  }
}
