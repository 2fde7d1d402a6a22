package ai.backend.client.internal;

import ai.backend.client.RetryPolicy;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.TransportException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.DoubleSupplier;

/**
 * Outermost link of the pipeline: repeats retryable requests on transient failures. Each attempt goes
 * through the rest of the chain again, so it gets a fresh date and signature.
 *
 * <p>Transient: no connection ({@code CONNECT}, {@code CONNECT_TIMEOUT}) or an I/O failure before
 * the response headers ({@code IO}), and statuses 429, 502, 503, 504. Read timeouts are not retried:
 * the configured timeout is the caller's waiting budget. The chain's deadline bounds the attempts:
 * each waits for its headers at most until then, and a retry whose wait would end after it is not made.
 */
final class Retrier implements Interceptor {
  private static final Loggers.Lazy LOG = new Loggers.Lazy("ai.backend.client.retry");

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final DoubleSupplier random;
  private final ErrorMapper errors;

  Retrier(RetryPolicy policy, Sleeper sleeper, DoubleSupplier random, ErrorMapper errors) {
    this.policy = policy;
    this.sleeper = sleeper;
    this.random = random;
    this.errors = errors;
  }

  @Override
  public HttpResponse intercept(Chain chain) {
    HttpRequest request = chain.request();
    boolean retryable = chain.retryable();
    long deadline = chain.deadline();
    for (int attempt = 0; ; attempt++) {
      boolean mayRetry = retryable && attempt < policy.maxRetries();
      HttpResponse response;
      try {
        response = chain.attempt(attempt + 1).proceed(bounded(request, deadline));
      } catch (TransportException e) {
        Duration d = backoff(attempt);
        if (!mayRetry || !isTransient(e) || !fits(d, deadline)) {
          throw e.recordAttempts(attempt + 1);
        }
        pause(d, request, e.kind().toString(), attempt);
        continue;
      }
      Optional<Duration> wait = mayRetry ? retryDelay(response, attempt) : Optional.empty();
      if (wait.isEmpty() || !fits(wait.get(), deadline)) {
        return response;
      }
      response.close();
      pause(wait.get(), request, "HTTP " + response.status(), attempt);
    }
  }

  @Override
  public CompletableFuture<HttpResponse> interceptAsync(Chain chain) {
    return attemptAsync(chain, 0);
  }

  private CompletableFuture<HttpResponse> attemptAsync(Chain chain, int attempt) {
    HttpRequest request = chain.request();
    long deadline = chain.deadline();
    boolean mayRetry = chain.retryable() && attempt < policy.maxRetries();
    CompletableFuture<HttpResponse> sent;
    try {
      sent = chain.attempt(attempt + 1).proceedAsync(bounded(request, deadline));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle((response, failure) -> {
          if (failure != null) {
            Throwable cause = unwrap(failure);
            Duration d = backoff(attempt);
            if (mayRetry
                && cause instanceof TransportException te
                && isTransient(te)
                && fits(d, deadline)) {
              log(request, te.kind().toString(), attempt, d);
              return sleeper.delay(d).thenCompose(v -> attemptAsync(chain, attempt + 1));
            }
            return CompletableFuture.<HttpResponse>failedFuture(
                cause instanceof TransportException te ? te.recordAttempts(attempt + 1) : cause);
          }
          Optional<Duration> wait = mayRetry ? retryDelay(response, attempt) : Optional.empty();
          if (wait.isEmpty() || !fits(wait.get(), deadline)) {
            return CompletableFuture.completedFuture(response);
          }
          response.close();
          log(request, "HTTP " + response.status(), attempt, wait.get());
          return sleeper.delay(wait.get()).thenCompose(v -> attemptAsync(chain, attempt + 1));
        })
        .thenCompose(f -> f);
  }

  /** The request with its response timeout cut to what is left before the deadline. */
  private static HttpRequest bounded(HttpRequest request, long deadline) {
    if (deadline == Chain.NO_DEADLINE) {
      return request;
    }
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new TransportException(
          TransportException.Kind.CALL_TIMEOUT, "call timeout reached", null);
    }
    Duration remaining = Duration.ofNanos(left);
    Duration t = request.timeout();
    return t != null && t.compareTo(remaining) <= 0 ? request : request.withTimeout(remaining);
  }

  private static boolean fits(Duration wait, long deadline) {
    return deadline == Chain.NO_DEADLINE || deadline - System.nanoTime() > wait.toNanos();
  }

  // UNKNOWN_HOST is not transient: a name that did not resolve will not resolve a second later
  private static boolean isTransient(TransportException e) {
    return switch (e.kind()) {
      case CONNECT, CONNECT_TIMEOUT, IO -> true;
      default -> false;
    };
  }

  /** The wait before retrying this response, or empty to hand the response to the caller. */
  private Optional<Duration> retryDelay(HttpResponse response, int attempt) {
    int s = response.status();
    if (s != 429 && s != 502 && s != 503 && s != 504) {
      return Optional.empty();
    }
    Optional<Duration> retryAfter = errors.retryAfter(response.headers());
    if (retryAfter.isPresent()) {
      // a server asking for a longer pause than we accept gets its answer passed on instead
      return retryAfter.get().compareTo(policy.maxRetryAfter()) <= 0
          ? retryAfter
          : Optional.empty();
    }
    return Optional.of(backoff(attempt));
  }

  /** Exponential backoff with "equal jitter": half fixed, half random, capped. */
  Duration backoff(int attempt) {
    long base = policy.initialBackoff().toMillis();
    long cap = policy.maxBackoff().toMillis();
    long exp = attempt >= 30 ? cap : Math.min(cap, base << attempt);
    long half = exp / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (exp - half)));
  }

  private void pause(Duration d, HttpRequest request, String reason, int attempt) {
    log(request, reason, attempt, d);
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException(
          TransportException.Kind.CANCELLED, "interrupted while waiting to retry", e);
    }
  }

  private static void log(HttpRequest request, String reason, int attempt, Duration d) {
    LOG.get()
        .log(
            Level.DEBUG,
            () -> "retrying " + request.method() + " " + request.uri().getRawPath() + " after "
                + reason + " (retry " + (attempt + 1) + ", waiting " + d.toMillis() + " ms)");
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
