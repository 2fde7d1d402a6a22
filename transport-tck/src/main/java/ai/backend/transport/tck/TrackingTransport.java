package ai.backend.transport.tck;

import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.WebSocketConnector;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps a real transport, records every request sent and remembers every response until it is closed,
 * to find leaks (docker-java's leak detector idea). Used by the TCK and by it-tests' SDK matrix.
 */
public final class TrackingTransport implements HttpTransport {
  /** {@code METHOD /raw/path} of every request sent, in order. */
  public final List<String> requests = new CopyOnWriteArrayList<>();

  private final HttpTransport delegate;
  private final Set<Tracked> open = ConcurrentHashMap.newKeySet();

  public TrackingTransport(HttpTransport delegate) {
    this.delegate = delegate;
  }

  /** The responses handed out and not closed yet. */
  public Set<? extends HttpResponse> openResponses() {
    return Set.copyOf(open);
  }

  @Override
  public HttpResponse execute(HttpRequest request) {
    String what = describe(request);
    requests.add(what);
    return track(delegate.execute(request), what);
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request) {
    String what = describe(request);
    requests.add(what);
    CompletableFuture<HttpResponse> inner = delegate.executeAsync(request);
    Forwarding out = new Forwarding(inner);
    inner.whenComplete((r, e) -> {
      if (e != null) {
        out.completeExceptionally(e);
      } else {
        Tracked t = track(r, what);
        if (!out.complete(t)) {
          t.close(); // cancelled meanwhile: nobody will ever close it
        }
      }
    });
    return out;
  }

  private static String describe(HttpRequest request) {
    return request.method() + " " + request.uri().getRawPath();
  }

  private Tracked track(HttpResponse r, String what) {
    Tracked t = new Tracked(r, what);
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
  private static final class Forwarding extends CompletableFuture<HttpResponse> {
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

  private final class Tracked implements HttpResponse {
    private final HttpResponse inner;
    private final String what;

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
