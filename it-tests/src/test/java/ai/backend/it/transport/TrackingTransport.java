package ai.backend.it.transport;

import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.WebSocketConnector;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Wraps a transport and remembers every response until it is closed, to find leaks. */
final class TrackingTransport implements HttpTransport {
  final HttpTransport delegate;
  final Set<Tracked> open = ConcurrentHashMap.newKeySet();

  TrackingTransport(HttpTransport delegate) {
    this.delegate = delegate;
  }

  @Override
  public HttpResponse execute(HttpRequest request) {
    return track(delegate.execute(request), request);
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request) {
    CompletableFuture<HttpResponse> inner = delegate.executeAsync(request);
    Forwarding out = new Forwarding(inner);
    inner.whenComplete((r, e) -> {
      if (e != null) {
        out.completeExceptionally(e);
      } else {
        Tracked t = track(r, request);
        if (!out.complete(t)) {
          t.close();
        }
      }
    });
    return out;
  }

  private Tracked track(HttpResponse r, HttpRequest request) {
    Tracked t = new Tracked(r, request.method() + " " + request.uri().getRawPath());
    open.add(t);
    return t;
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

  /** Forwards cancel() to the adapter's future, which is what aborts the exchange. */
  static final class Forwarding extends CompletableFuture<HttpResponse> {
    private final CompletableFuture<HttpResponse> inner;

    Forwarding(CompletableFuture<HttpResponse> inner) {
      this.inner = inner;
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      boolean done = super.cancel(mayInterrupt);
      inner.cancel(mayInterrupt);
      return done;
    }
  }

  final class Tracked implements HttpResponse {
    final HttpResponse inner;
    final String what;

    Tracked(HttpResponse inner, String what) {
      this.inner = inner;
      this.what = what;
    }

    @Override
    public int status() {
      return inner.status();
    }

    @Override
    public HttpHeaders headers() {
      return inner.headers();
    }

    @Override
    public InputStream body() {
      return inner.body();
    }

    @Override
    public void close() {
      open.remove(this);
      inner.close();
    }

    @Override
    public String toString() {
      return what;
    }
  }
}
