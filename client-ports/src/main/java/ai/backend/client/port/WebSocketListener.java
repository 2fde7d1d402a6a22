package ai.backend.client.port;

import java.nio.ByteBuffer;

/**
 * Receives WebSocket events. Messages are delivered whole (fragments are joined by the adapter), one
 * at a time and in order; the next message is requested only after the callback returns, so a slow
 * listener slows the sender down instead of growing a buffer.
 */
public interface WebSocketListener {

  default void onOpen(WebSocketChannel channel) {}

  default void onText(WebSocketChannel channel, String text) {}

  default void onBinary(WebSocketChannel channel, ByteBuffer data) {}

  /** The peer closed the connection (or acknowledged our close). */
  default void onClose(WebSocketChannel channel, int statusCode, String reason) {}

  /** The connection failed; no further callbacks follow. */
  default void onError(WebSocketChannel channel, Throwable error) {}
}
