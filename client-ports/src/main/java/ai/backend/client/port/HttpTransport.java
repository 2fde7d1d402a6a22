package ai.backend.client.port;

import java.util.concurrent.CompletableFuture;

/**
 * Sends HTTP requests. Implementations are thread-safe and hold pooled connections until closed.
 *
 * <p>Failures to get an answer (connect refused, timeouts, I/O errors, cancellation) are reported as
 * {@link TransportException}; any HTTP status, including 4xx and 5xx, is a normal response.
 */
public interface HttpTransport extends AutoCloseable {

  /** Sends the request and returns once the status line and headers have arrived. */
  HttpResponse execute(HttpRequest request);

  /**
   * Sends the request without blocking the caller; the future completes when the headers have arrived
   * (the body is then read from {@link HttpResponse#body()}). Cancelling the future aborts the exchange.
   * No thread is held per in-flight request.
   */
  CompletableFuture<HttpResponse> executeAsync(HttpRequest request);

  /** The WebSocket client sharing this transport's configuration. */
  WebSocketConnector webSockets();

  /** A short name for diagnostics, e.g. {@code jdk-http} or {@code apache-httpclient5}. */
  String name();

  /** Closes connections and stops any thread the transport started. Idempotent. */
  @Override
  void close();
}
