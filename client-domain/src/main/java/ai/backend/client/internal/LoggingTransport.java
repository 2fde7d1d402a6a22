package ai.backend.client.internal;

import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportException;
import ai.backend.client.port.WebSocketConnector;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;

/**
 * Pipeline stage logging each attempt at DEBUG on {@code ai.backend.client.http}: method, URI,
 * headers ({@code Authorization} and cookies redacted by {@code HttpHeaders.toString}), status and
 * time. Bodies are never logged: they may carry credentials (e.g. {@code /auth/authorize}). The level
 * is checked on each request, unless the program turned that off ({@link Loggers#disableWireLogging}).
 */
final class LoggingTransport implements HttpTransport {
  private static final Loggers.Lazy LOG = new Loggers.Lazy("ai.backend.client.http");

  private final HttpTransport next;

  LoggingTransport(HttpTransport next) {
    this.next = next;
  }

  @Override
  public HttpResponse execute(HttpRequest request) {
    if (!Loggers.wireLogging() || !LOG.get().isLoggable(Level.DEBUG)) {
      return next.execute(request);
    }
    long start = System.nanoTime();
    logRequest(request);
    try {
      HttpResponse r = next.execute(request);
      logResponse(request, r, start);
      return r;
    } catch (TransportException e) {
      logFailure(request, e, start);
      throw e;
    }
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request) {
    if (!Loggers.wireLogging() || !LOG.get().isLoggable(Level.DEBUG)) {
      return next.executeAsync(request);
    }
    long start = System.nanoTime();
    logRequest(request);
    return next.executeAsync(request).whenComplete((r, e) -> {
      if (r != null) {
        logResponse(request, r, start);
      } else {
        logFailure(request, e, start);
      }
    });
  }

  private static void logRequest(HttpRequest request) {
    LOG.get().log(Level.DEBUG, () -> "--> " + request.method() + " " + request.uri() + " " + request.headers()
        + " body=" + request.body().getClass().getSimpleName() + "(" + request.body().contentLength() + ")");
  }

  private static void logResponse(HttpRequest request, HttpResponse r, long start) {
    LOG.get().log(Level.DEBUG, () -> "<-- " + r.status() + " " + request.method() + " " + request.uri() + " ("
        + (System.nanoTime() - start) / 1_000_000 + " ms) " + r.headers());
  }

  private static void logFailure(HttpRequest request, Throwable e, long start) {
    LOG.get().log(Level.DEBUG, () -> "<-- FAILED " + request.method() + " " + request.uri() + " ("
        + (System.nanoTime() - start) / 1_000_000 + " ms): " + e);
  }

  @Override
  public WebSocketConnector webSockets() {
    return next.webSockets();
  }

  @Override
  public String name() {
    return next.name();
  }

  /** Does not close the wrapped transport (the core owns that decision). */
  @Override
  public void close() {}
}
