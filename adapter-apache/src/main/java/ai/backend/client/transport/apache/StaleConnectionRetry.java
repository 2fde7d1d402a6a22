package ai.backend.client.transport.apache;

import java.io.IOException;
import java.net.SocketException;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * Sends a request once more, at once, when the connection it went out on failed before any byte of
 * the response arrived (a pooled keep-alive connection the server had closed), and only when the
 * request is idempotent with a repeatable body. Nothing else: responses (429, 503) and every other
 * failure are the domain's retry policy's, with its backoff and its budget.
 */
final class StaleConnectionRetry implements HttpRequestRetryStrategy {
  /** Context attribute set once a response head reached the consumer: past that, never resend. */
  static final String RESPONSE_STARTED = "ai.backend.response-started";

  /** How often a request is sent again after a stale connection failed it. */
  private static final int RESENDS = 1;

  @Override
  public boolean retryRequest(
      HttpRequest request, IOException exception, int execCount, HttpContext context) {
    if (execCount > RESENDS || context.getAttribute(RESPONSE_STARTED) != null) {
      return false;
    }
    if (!ai.backend.client.port.HttpRequest.idempotentMethod(request.getMethod())) {
      return false;
    }
    if (request instanceof ClassicHttpRequest c
        && c.getEntity() != null
        && !c.getEntity().isRepeatable()) {
      return false;
    }
    return closedBeforeResponse(exception);
  }

  private static boolean closedBeforeResponse(IOException e) {
    if (e instanceof NoHttpResponseException || e instanceof ConnectionClosedException) {
      return true;
    }
    String m = String.valueOf(e.getMessage());
    return e instanceof SocketException
        && (m.contains("Connection reset") || m.contains("Broken pipe"));
  }

  @Override
  public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
    return false;
  }

  @Override
  public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
    return TimeValue.ZERO_MILLISECONDS;
  }
}
