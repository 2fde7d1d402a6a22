package ai.backend.client.transport.jdk;

import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/** A streamed response; closing it closes the body, which releases or aborts the exchange. */
final class JdkResponse implements HttpResponse {
  private final int status;
  private final HttpHeaders headers;
  private final InputStream body;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Runnable onClose;

  /** {@code onClose} runs once, after the body is closed (it hands back the exchange's permit). */
  JdkResponse(java.net.http.HttpResponse<InputStream> response, Runnable onClose) {
    this.status = response.statusCode();
    this.headers = HttpHeaders.of(response.headers().map());
    this.body = response.body();
    this.onClose = onClose;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public HttpHeaders headers() {
    return headers;
  }

  @Override
  public InputStream body() {
    return body;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        body.close();
      } catch (IOException ignored) {
        // the connection is dropped either way
      } finally {
        onClose.run();
      }
    }
  }
}
