package ai.backend.it.sdk;

import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.WebSocketConnector;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a real transport and counts responses never closed (docker-java's leak detector idea). */
final class TrackingTransport implements HttpTransport {
  private final HttpTransport delegate;
  private final AtomicInteger open = new AtomicInteger();
  final List<String> requests = new CopyOnWriteArrayList<>();

  TrackingTransport(HttpTransport delegate) {
    this.delegate = delegate;
  }

  int openResponses() {
    return open.get();
  }

  @Override
  public HttpResponse execute(HttpRequest request) {
    requests.add(request.method() + " " + request.uri().getRawPath());
    return track(delegate.execute(request));
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request) {
    requests.add(request.method() + " " + request.uri().getRawPath());
    return delegate.executeAsync(request).thenApply(this::track);
  }

  private HttpResponse track(HttpResponse r) {
    open.incrementAndGet();
    return new HttpResponse() {
      private boolean closed;

      @Override
      public int status() {
        return r.status();
      }

      @Override
      public HttpHeaders headers() {
        return r.headers();
      }

      @Override
      public InputStream body() {
        return r.body();
      }

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          open.decrementAndGet();
        }
        r.close();
      }
    };
  }

  @Override
  public WebSocketConnector webSockets() {
    return delegate.webSockets();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
