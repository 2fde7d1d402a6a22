package ai.backend.client.internal.stream;

import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.SessionClosedException;
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
  private final java.util.concurrent.atomic.AtomicBoolean ending =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean closing;
  private static final long CLOSE_HANDSHAKE_SECONDS = 5;

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
  static <S extends SocketStream> CompletableFuture<S> connect(
      ApiCore core, String path, List<ApiRequest.QueryParam> query, S stream) {
    SocketStream base = stream;
    CompletableFuture<S> result = StreamSockets.open(core, path, query, base.listener())
        .thenApply(ch -> {
          base.channel = ch;
          return stream;
        });
    result.whenComplete((v, e) -> {
      if (e != null && base.ending.compareAndSet(false, true)) {
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
        ended(code, reason);
      }

      @Override
      public void onError(WebSocketChannel ch, Throwable error) {
        if (closing) {
          ended(1000, "closed by the client"); // the transport went away after our close: expected
          return;
        }
        BackendIoException e =
            new BackendIoException(what + " connection failed: " + error.getMessage(), error);
        if (ending.compareAndSet(false, true)) {
          delivery.submit(() -> deliverFailure(e));
          delivery.finish();
          closed.completeExceptionally(e);
        }
      }
    };
  }

  final CompletableFuture<Void> sendText(String text) {
    WebSocketChannel ch = channel;
    if (ch == null || !ch.isOpen()) {
      return CompletableFuture.failedFuture(
          new SessionClosedException("the " + what + " is closed"));
    }
    return ch.sendText(text);
  }

  final CompletableFuture<Void> sendBinary(byte[] data) {
    WebSocketChannel ch = channel;
    if (ch == null || !ch.isOpen()) {
      return CompletableFuture.failedFuture(
          new SessionClosedException("the " + what + " is closed"));
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

  /**
   * Closes the stream: sends the close frame and ends the stream here at once (onClosed with 1000,
   * {@link #closed()} completes, the delivery thread ends) without waiting for the server's answer,
   * which may never come when the transport is closed next (a session closing its own transport).
   * The socket is aborted if the closing handshake does not finish within a few seconds.
   */
  public final void close() {
    WebSocketChannel ch = channel;
    if (ch == null || closed.isDone()) {
      return;
    }
    closing = true;
    ch.close(1000, "")
        .orTimeout(CLOSE_HANDSHAKE_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
        .exceptionally(e -> {
          ch.abort();
          return null;
        });
    ended(1000, "closed by the client");
  }

  /** Ends the stream once, whoever sees the end first (the server's close, our close, a failure). */
  private void ended(int code, String reason) {
    if (ending.compareAndSet(false, true)) {
      delivery.submit(() -> deliverClosed(code, reason));
      delivery.finish();
      closed.complete(code);
    }
  }
}
