package ai.backend.client.internal.stream;

import ai.backend.client.BackendClientException;
import ai.backend.client.internal.ApiCore;
import ai.backend.client.internal.ApiRequest;
import ai.backend.client.port.WebSocketChannel;
import ai.backend.client.port.WebSocketListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a long-lived stream (terminal, app tunnel) does with its WebSocket: user callbacks on its own
 * {@link Delivery} thread, a {@link #closed()} future, sends refused once closed, an idempotent close.
 */
abstract class SocketStream {
  final Delivery delivery;
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final String what;
  private volatile WebSocketChannel channel;

  SocketStream(String kind, String session, String what) {
    this.delivery = new Delivery(StreamSockets.threadName(kind, session));
    this.what = what;
  }

  /** A message from the server (text frames as UTF-8 bytes); runs on the socket's thread. */
  abstract void onMessage(byte[] data, boolean text);

  /** The socket closed; runs on the delivery thread. */
  abstract void deliverClosed(int code, String reason);

  /** The socket failed; runs on the delivery thread. */
  abstract void deliverFailure(Throwable error);

  /** Connects {@code stream} to {@code path}; the future completes with {@code stream} once open. */
  static <S extends SocketStream> CompletableFuture<S> connect(ApiCore core, String path,
      List<ApiRequest.QueryParam> query, S stream) {
    SocketStream base = stream;
    CompletableFuture<S> result = StreamSockets.open(core, path, query, base.listener()).thenApply(ch -> {
      base.channel = ch;
      return stream;
    });
    result.whenComplete((v, e) -> {
      if (e != null) {
        base.delivery.finish();
        base.closed.completeExceptionally(e);
      }
    });
    return result;
  }

  private WebSocketListener listener() {
    return new WebSocketListener() {
      @Override
      public void onText(WebSocketChannel ch, String text) {
        onMessage(text.getBytes(StandardCharsets.UTF_8), true);
      }

      @Override
      public void onBinary(WebSocketChannel ch, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        onMessage(b, false);
      }

      @Override
      public void onClose(WebSocketChannel ch, int code, String reason) {
        delivery.submit(() -> deliverClosed(code, reason));
        delivery.finish();
        closed.complete(code);
      }

      @Override
      public void onError(WebSocketChannel ch, Throwable error) {
        BackendClientException e = new BackendClientException(what + " connection failed: " + error.getMessage(), error);
        delivery.submit(() -> deliverFailure(e));
        delivery.finish();
        closed.completeExceptionally(e);
      }
    };
  }

  final CompletableFuture<Void> sendText(String text) {
    WebSocketChannel ch = channel;
    if (ch == null || !ch.isOpen()) {
      return CompletableFuture.failedFuture(new BackendClientException("the " + what + " is closed"));
    }
    return ch.sendText(text);
  }

  final CompletableFuture<Void> sendBinary(byte[] data) {
    WebSocketChannel ch = channel;
    if (ch == null || !ch.isOpen()) {
      return CompletableFuture.failedFuture(new BackendClientException("the " + what + " is closed"));
    }
    return ch.sendBinary(ByteBuffer.wrap(data.clone()));
  }

  public final CompletableFuture<Integer> closed() {
    return closed;
  }

  public final boolean isOpen() {
    WebSocketChannel ch = channel;
    return ch != null && ch.isOpen() && !closed.isDone();
  }

  public final void close() {
    WebSocketChannel ch = channel;
    if (ch != null && !closed.isDone()) {
      ch.close(1000, "").exceptionally(e -> {
        ch.abort();
        return null;
      });
    }
  }
}
