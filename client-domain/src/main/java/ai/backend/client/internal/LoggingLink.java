package ai.backend.client.internal;

import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.TransportException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;

/**
 * Pipeline link logging each attempt at DEBUG on {@code ai.backend.client.http}: method, URI,
 * headers ({@code Authorization} and cookies redacted by {@code HttpHeaders.toString}), status and
 * time. Bodies are never logged: they may carry credentials (e.g. {@code /auth/authorize}). The level
 * is checked on each request; a session built with {@code wireLogging(false)} has no such link.
 */
final class LoggingLink implements Interceptor {
  private static final Loggers.Lazy LOG = new Loggers.Lazy("ai.backend.client.http");

  @Override
  public HttpResponse intercept(Chain chain) {
    HttpRequest request = chain.request();
    if (!LOG.get().isLoggable(Level.DEBUG)) {
      return chain.proceed(request);
    }
    long start = System.nanoTime();
    logRequest(request);
    try {
      HttpResponse r = chain.proceed(request);
      logResponse(request, r, start);
      return r;
    } catch (TransportException e) {
      logFailure(request, e, start);
      throw e;
    }
  }

  @Override
  public CompletableFuture<HttpResponse> interceptAsync(Chain chain) {
    HttpRequest request = chain.request();
    if (!LOG.get().isLoggable(Level.DEBUG)) {
      return chain.proceedAsync(request);
    }
    long start = System.nanoTime();
    logRequest(request);
    return chain.proceedAsync(request).whenComplete((r, e) -> {
      if (r != null) {
        logResponse(request, r, start);
      } else {
        logFailure(request, e, start);
      }
    });
  }

  private static void logRequest(HttpRequest request) {
    LOG.get()
        .log(
            Level.DEBUG,
            () -> "--> " + request.method() + " " + request.uri() + " " + request.headers()
                + " body=" + request.body().getClass().getSimpleName() + "("
                + request.body().contentLength() + ")");
  }

  private static void logResponse(HttpRequest request, HttpResponse r, long start) {
    LOG.get()
        .log(
            Level.DEBUG,
            () -> "<-- " + r.status() + " " + request.method() + " " + request.uri() + " ("
                + (System.nanoTime() - start) / 1_000_000 + " ms) " + r.headers());
  }

  private static void logFailure(HttpRequest request, Throwable e, long start) {
    LOG.get()
        .log(
            Level.DEBUG,
            () -> "<-- FAILED " + request.method() + " " + request.uri() + " ("
                + (System.nanoTime() - start) / 1_000_000 + " ms): " + e);
  }
}
