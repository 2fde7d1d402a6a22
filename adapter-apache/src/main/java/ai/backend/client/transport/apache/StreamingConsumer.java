package ai.backend.client.transport.apache;

import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.support.classic.SharedInputBuffer;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Completes a future as soon as the headers arrive and hands the body to the caller as an
 * {@link InputStream} fed from a bounded buffer. The buffer grants the peer more window
 * ({@link CapacityChannel#update}) only as the reader drains it, so a slow reader stalls the sender
 * instead of growing memory.
 */
final class StreamingConsumer implements AsyncResponseConsumer<Void> {
  private static final int BUFFER = 64 * 1024;

  private final CompletableFuture<HttpResponse> result;
  private final Executor executor;
  private final SharedInputBuffer buffer = new SharedInputBuffer(BUFFER);
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Runnable abort = () -> {};
  private volatile Exception failure;

  private volatile Runnable started;

  StreamingConsumer(CompletableFuture<HttpResponse> result, Executor executor) {
    this.result = result;
    this.executor = executor;
  }

  /** Runs when the response head arrives (before the caller sees it). */
  void onResponse(Runnable started) {
    this.started = started;
  }

  /** What aborts the exchange when the caller closes the body early. */
  void onAbort(Runnable abort) {
    this.abort = abort;
  }

  @Override
  public void consumeResponse(
      org.apache.hc.core5.http.HttpResponse response,
      EntityDetails entity,
      HttpContext context,
      FutureCallback<Void> callback) {
    Runnable s = started;
    if (s != null) {
      s.run();
    }
    HttpHeaders.Builder h = HttpHeaders.builder();
    for (Header header : response.getHeaders()) {
      h.add(header.getName(), header.getValue());
    }
    if (entity == null) {
      ended.set(true);
      buffer.markEndStream();
    }
    Response r = new Response(response.getCode(), h.build());
    // complete off the I/O reactor: a caller that reads the body in a callback must not block it
    executor.execute(() -> {
      if (!result.complete(r)) {
        r.close();
      }
    });
    if (entity == null) {
      callback.completed(null);
    }
  }

  @Override
  public void informationResponse(
      org.apache.hc.core5.http.HttpResponse response, HttpContext context) {}

  @Override
  public void updateCapacity(CapacityChannel channel) throws IOException {
    buffer.updateCapacity(channel);
  }

  @Override
  public void consume(ByteBuffer src) {
    buffer.fill(src);
  }

  @Override
  public void streamEnd(List<? extends Header> trailers) {
    ended.set(true);
    buffer.markEndStream();
  }

  @Override
  public void failed(Exception cause) {
    failure = cause;
    buffer.abort();
  }

  @Override
  public void releaseResources() {}

  /** The response handed to the caller. */
  private final class Response implements HttpResponse {
    private final int status;
    private final HttpHeaders headers;
    private final InputStream body = new Body();
    private final AtomicBoolean closed = new AtomicBoolean();

    Response(int status, HttpHeaders headers) {
      this.status = status;
      this.headers = headers;
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
      if (closed.compareAndSet(false, true) && !ended.get()) {
        buffer.abort();
        abort.run(); // unread body: drop the connection rather than drain it
      }
    }
  }

  private final class Body extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n;
      try {
        n = buffer.read(b, off, len);
      } catch (java.io.InterruptedIOException e) {
        // an abort wakes a blocked read with "Operation aborted": report why the body failed
        // instead
        // (a read timeout, a reset), and call it an interrupt only when it was one
        if (failure != null && !Thread.currentThread().isInterrupted()) {
          throw new IOException("response body failed: " + failure, failure);
        }
        throw e;
      }
      if (n < 0 && failure != null) {
        // an aborted buffer reads as end of stream; do not let a failure pass for a short body
        throw new IOException("response body failed: " + failure, failure);
      }
      return n;
    }

    @Override
    public int available() {
      return buffer.length();
    }

    @Override
    public void close() {
      if (!ended.get()) {
        buffer.abort();
        abort.run();
      }
    }
  }
}
