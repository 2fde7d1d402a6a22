package ai.backend.client.port;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** An open WebSocket. Sends may be called from any thread; they are queued in order. */
public interface WebSocketChannel extends AutoCloseable {

  CompletableFuture<Void> sendText(String text);

  CompletableFuture<Void> sendBinary(ByteBuffer data);

  /** Starts the closing handshake with the given code (e.g. 1000) and reason. */
  CompletableFuture<Void> close(int code, String reason);

  /** Drops the connection without a closing handshake. */
  void abort();

  boolean isOpen();

  /**
   * The subprotocol the server chose in its handshake answer ({@code Sec-WebSocket-Protocol}), or an
   * empty string when it chose none.
   */
  default String subprotocol() {
    return "";
  }

  /** Closes normally (code 1000). */
  @Override
  default void close() {
    close(1000, "").exceptionally(t -> null);
  }
}
