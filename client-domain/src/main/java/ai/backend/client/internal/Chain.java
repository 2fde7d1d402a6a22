package ai.backend.client.internal;

import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The rest of the pipeline as one {@link Interceptor} sees it: the request so far, what the caller
 * allows (retries, a deadline) and the way on. The transport is the end of every chain. Immutable.
 */
final class Chain {
  /** No whole-call deadline. */
  static final long NO_DEADLINE = Long.MAX_VALUE;

  private final List<Interceptor> links;
  private final HttpTransport transport;
  private final int index;
  private final HttpRequest request;
  private final boolean retryable;
  private final long deadline;
  private final int attempt;

  private Chain(
      List<Interceptor> links,
      HttpTransport transport,
      int index,
      HttpRequest request,
      boolean retryable,
      long deadline,
      int attempt) {
    this.links = links;
    this.transport = transport;
    this.index = index;
    this.request = request;
    this.retryable = retryable;
    this.deadline = deadline;
    this.attempt = attempt;
  }

  /** The chain through {@code links} down to {@code transport}, before its first link. */
  static Chain start(
      List<Interceptor> links,
      HttpTransport transport,
      HttpRequest request,
      boolean retryable,
      long deadline) {
    return new Chain(List.copyOf(links), transport, 0, request, retryable, deadline, 1);
  }

  HttpRequest request() {
    return request;
  }

  /** Whether the caller allows the request to be sent more than once (idempotent, repeatable body). */
  boolean retryable() {
    return retryable;
  }

  /** {@link System#nanoTime()} by which the call must be over, or {@link #NO_DEADLINE}. */
  long deadline() {
    return deadline;
  }

  /** Which attempt of the call this is, from 1. */
  int attempt() {
    return attempt;
  }

  /** This chain, for attempt {@code n} (the retry link numbers its attempts). */
  Chain attempt(int n) {
    return new Chain(links, transport, index, request, retryable, deadline, n);
  }

  /** Hands {@code next} to the next link, or to the transport after the last one. */
  HttpResponse proceed(HttpRequest next) {
    if (index == links.size()) {
      return transport.execute(next);
    }
    return links.get(index).intercept(following(next));
  }

  /** Non-blocking {@link #proceed}: whatever the next link throws fails the future instead. */
  CompletableFuture<HttpResponse> proceedAsync(HttpRequest next) {
    try {
      return index == links.size()
          ? transport.executeAsync(next)
          : links.get(index).interceptAsync(following(next));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Chain following(HttpRequest next) {
    return new Chain(links, transport, index + 1, next, retryable, deadline, attempt);
  }
}
