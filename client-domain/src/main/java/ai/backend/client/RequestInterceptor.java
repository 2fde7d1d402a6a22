package ai.backend.client;

import ai.backend.client.port.HttpHeaders;
import java.net.URI;
import java.time.Duration;

/**
 * A hook on every HTTP attempt a {@link Session} makes, for tracing, metrics or extra headers; add
 * it with {@link Session.Builder#addInterceptor}. It runs inside the retry loop and before signing,
 * so a retried call is seen once per attempt and no credential ever reaches it. WebSocket handshakes
 * do not pass through it.
 *
 * <p>Callbacks run on the calling thread, or on the transport's I/O thread for asynchronous calls:
 * keep them short and never block. An exception thrown by {@link #onRequest} or {@link #onResponse}
 * fails the call with that exception; one thrown by {@link #onFailure} is added to the failure as
 * suppressed.
 */
public interface RequestInterceptor {

  /**
   * Before the attempt is signed and sent. The returned headers are set on it, replacing any of the
   * same name; the signature does not cover them.
   */
  default HttpHeaders onRequest(Attempt attempt) {
    return HttpHeaders.empty();
  }

  /** The response headers arrived ({@code elapsed} since {@link #onRequest}; the body is still to be read). */
  default void onResponse(Attempt attempt, int status, Duration elapsed) {}

  /** No answer came (typically a {@code TransportException}: refused, timed out, reset). */
  default void onFailure(Attempt attempt, Exception failure, Duration elapsed) {}

  /**
   * One attempt of a call.
   *
   * @param method the HTTP method
   * @param uri the full request URI
   * @param headers the headers so far, without {@code Authorization}, cookies or the request date
   * @param number the attempt number of the call, from 1 (above 1 for a retry)
   */
  record Attempt(String method, URI uri, HttpHeaders headers, int number) {}
}
