package ai.backend.client.port;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Opens WebSocket connections. */
public interface WebSocketConnector {

  /**
   * Opens a WebSocket to a {@code ws://} or {@code wss://} URI with the given handshake headers.
   * The future fails with {@link TransportException} when the handshake fails; the HTTP status of a
   * refused upgrade is in {@link TransportException#status()} when known.
   */
  CompletableFuture<WebSocketChannel> connect(
      URI uri, HttpHeaders headers, WebSocketListener listener);
}
