package ai.backend.client.transport.jdk;

import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportException;
import ai.backend.client.port.WebSocketConnector;
import ai.backend.client.port.tls.TrustAll;
import ai.backend.client.port.websocket.JdkWebSocketConnector;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublisher;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** {@link HttpTransport} on {@code java.net.http.HttpClient} (HTTP/1.1). */
final class JdkHttpTransport implements HttpTransport {
  /** Prefix of the names of threads this transport starts. */
  static final String THREAD_PREFIX = "backendai-jdk-http-";
  // java.net.http computes these itself and refuses them as user headers
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");
  private static final AtomicInteger POOLS = new AtomicInteger();
  /** How often a request is sent again after a stale pooled connection failed it. */
  private static final int STALE_RESENDS = 1;

  private final TransportConfig config;
  private final ExecutorService
      ownExecutor; // null when the user supplied one (we must not shut that down)
  private final HttpClient client;
  private final WebSocketConnector webSockets;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ExchangePermits permits;

  JdkHttpTransport(TransportConfig config) {
    this.config = config;
    this.permits = new ExchangePermits(config.maxConnections());
    this.ownExecutor = config.executor() == null ? newExecutor() : null;
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(
            HttpClient.Version
                .HTTP_1_1) // Backend.AI managers speak HTTP/1.1; no h2c upgrade headers
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(config.connectTimeout())
        .executor(ownExecutor != null ? ownExecutor : config.executor());
    if (config.proxy() != null) {
      b.proxy(ProxySelector.of(config.proxy()));
    }
    if (config.insecureTls()) {
      b.sslContext(TrustAll.context());
    } else if (config.sslContext() != null) {
      b.sslContext(config.sslContext());
    }
    this.client = b.build();
    this.webSockets = new JdkWebSocketConnector(client, config.connectTimeout());
  }

  private static ExecutorService newExecutor() {
    int pool = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    // a cached pool: threads serve short callbacks and are reused, so none is held per request
    return new ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, THREAD_PREFIX + pool + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public HttpResponse execute(HttpRequest request) {
    java.net.http.HttpRequest jr = toJdk(request);
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw JdkErrors.map(e, describe(request));
    }
    for (int attempt = 0; ; attempt++) {
      try {
        return new JdkResponse(client.send(jr, bodyHandler(request)), permits::release);
      } catch (InterruptedException e) {
        permits.release();
        Thread.currentThread().interrupt();
        throw JdkErrors.map(e, describe(request));
      } catch (IOException | RuntimeException e) {
        if (!resend(request, e, attempt)) {
          permits.release();
          throw JdkErrors.map(e, describe(request));
        }
      }
    }
  }

  /**
   * A pooled connection the server closed fails the next request on it before any byte of the
   * response arrives; java.net.http resends a GET or HEAD itself, but no other method. Send another
   * idempotent request (PUT, DELETE) with a repeatable body once more, at once: the pool has dropped
   * the dead connection, so it goes out on a live or new one.
   */
  private boolean resend(HttpRequest request, Throwable failure, int attempt) {
    return attempt < STALE_RESENDS
        && !closed.get()
        && request.resendableOnStaleConnection()
        && JdkErrors.closedBeforeResponse(failure)
        // java.net.http resends a GET or HEAD itself (on a new connection too): another resend here
        // would double every attempt of the retry policy, which covers what it misses
        && !request.method().equals("GET")
        && !request.method().equals("HEAD");
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request) {
    java.net.http.HttpRequest jr;
    try {
      jr = toJdk(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<?>> current = new AtomicReference<>();
    CompletableFuture<Void> permit = permits.acquireAsync();
    current.set(permit);
    permit.thenRun(() -> {
      if (result.isDone()) {
        permits.release(); // cancelled while waiting for the permit
      } else {
        sendAsync(request, jr, result, current, 0);
      }
    });
    // our own future, so that cancel(true) reaches the exchange (cancel on a dependent would not)
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        current.get().cancel(true);
      }
    });
    return result;
  }

  private void sendAsync(
      HttpRequest request,
      java.net.http.HttpRequest jr,
      CompletableFuture<HttpResponse> result,
      AtomicReference<CompletableFuture<?>> current,
      int attempt) {
    CompletableFuture<java.net.http.HttpResponse<InputStream>> exchange =
        client.sendAsync(jr, bodyHandler(request));
    current.set(exchange);
    if (result.isCancelled()) {
      exchange.cancel(true);
    }
    exchange.whenComplete((r, e) -> {
      if (e != null) {
        if (!result.isDone() && resend(request, e, attempt)) {
          sendAsync(request, jr, result, current, attempt + 1);
        } else {
          permits.release();
          result.completeExceptionally(JdkErrors.map(e, describe(request)));
        }
      } else {
        JdkResponse response = new JdkResponse(r, permits::release);
        if (!result.complete(response)) {
          response.close(); // the caller cancelled while the headers were arriving
        }
      }
    });
  }

  /** The body as a stream whose reads wait at most the request's (or the configured) read timeout. */
  private java.net.http.HttpResponse.BodyHandler<InputStream> bodyHandler(HttpRequest request) {
    Duration idle = request.timeout() != null ? request.timeout() : config.readTimeout();
    return info -> new IdleTimeoutBody(idle);
  }

  java.net.http.HttpRequest toJdk(HttpRequest request) {
    if (closed.get()) {
      throw new TransportException(TransportException.Kind.CLOSED, "transport is closed", null);
    }
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(request.uri());
    request.headers().map().forEach((name, values) -> {
      if (!RESTRICTED.contains(name) && !name.equals("content-type")) {
        values.forEach(v -> b.header(name, v));
      }
    });
    BodyPublisher publisher = JdkBodies.publisher(request.body());
    String contentType = request.effectiveContentType();
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(request.method(), publisher);
    Duration timeout = request.timeout() != null ? request.timeout() : config.readTimeout();
    if (timeout != null) {
      b.timeout(timeout);
    }
    return b.build();
  }

  private static String describe(HttpRequest request) {
    // method and path only: query strings may carry tokens
    return request.method() + " " + request.uri().getScheme() + "://"
        + request.uri().getRawAuthority() + request.uri().getRawPath();
  }

  @Override
  public WebSocketConnector webSockets() {
    return webSockets;
  }

  @Override
  public String name() {
    return JdkTransportProvider.NAME;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownExecutor != null) {
      // Java 17's HttpClient cannot be closed; its selector thread ends once the client is
      // unreachable
      ownExecutor.shutdownNow();
    }
  }
}
