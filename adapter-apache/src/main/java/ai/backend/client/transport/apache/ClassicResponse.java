package ai.backend.client.transport.apache;

import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;

/**
 * A classic response. A fully read body has already returned the connection to the pool; closing with
 * body left unread cancels the request, which drops the connection instead of draining the rest
 * (Apache's own close would read to the end).
 */
final class ClassicResponse implements HttpResponse {
  private final ClassicHttpResponse response;
  private final HttpUriRequestBase request;
  private final HttpHeaders headers;
  private final Body body;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final ReadWatch watch;

  /** Told when a thread starts and ends a body read, so that an interrupt can abort the exchange. */
  interface ReadWatch {
    void enter(Thread reader, HttpUriRequestBase request);

    void exit(Thread reader, HttpUriRequestBase request);
  }

  ClassicResponse(ClassicHttpResponse response, HttpUriRequestBase request, ReadWatch watch)
      throws IOException {
    this.response = response;
    this.request = request;
    this.watch = watch;
    HttpHeaders.Builder h = HttpHeaders.builder();
    for (Header header : response.getHeaders()) {
      h.add(header.getName(), header.getValue());
    }
    this.headers = h.build();
    this.body = new Body(
        response.getEntity() == null
            ? InputStream.nullInputStream()
            : response.getEntity().getContent());
  }

  @Override
  public int status() {
    return response.getCode();
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
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (!body.eof) {
      request.cancel();
    }
    try {
      response.close();
    } catch (IOException ignored) {
      // the connection was discarded; nothing left to release
    }
  }

  private final class Body extends FilterInputStream {
    private volatile boolean eof;

    Body(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * A blocking socket read does not notice {@link Thread#interrupt()}: while it runs, the transport's
     * watcher aborts the exchange of an interrupted reader, and the failure is reported as an interrupt.
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Thread reader = Thread.currentThread();
      if (reader.isInterrupted()) {
        throw new InterruptedIOException("interrupted before reading the response body");
      }
      watch.enter(reader, request);
      try {
        int n = super.read(b, off, len);
        eof |= n < 0;
        return n;
      } catch (IOException | RuntimeException e) {
        if (reader.isInterrupted()) {
          InterruptedIOException x =
              new InterruptedIOException("interrupted while reading the response body");
          x.initCause(e);
          throw x;
        }
        throw e;
      } finally {
        watch.exit(reader, request);
      }
    }

    @Override
    public void close() {
      ClassicResponse.this.close();
    }
  }
}
