package ai.backend.client.internal;

import ai.backend.client.RequestInterceptor;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Adapts an embedder's {@link RequestInterceptor} to a pipeline link (between retry and signing). */
final class UserLink implements Interceptor {
  /** Never shown to an interceptor, even if the caller set them (the proxy forwards cookies). */
  private static final List<String> HIDDEN =
      List.of("authorization", "proxy-authorization", "cookie", "date", "x-backendai-date");

  private final RequestInterceptor user;

  UserLink(RequestInterceptor user) {
    this.user = user;
  }

  @Override
  public HttpResponse intercept(Chain chain) {
    RequestInterceptor.Attempt attempt = attemptOf(chain);
    HttpRequest request = withHeaders(chain.request(), user.onRequest(attempt));
    long start = System.nanoTime();
    HttpResponse response;
    try {
      response = chain.proceed(request);
    } catch (RuntimeException e) {
      failed(attempt, e, start);
      throw e;
    }
    answered(attempt, response, start);
    return response;
  }

  @Override
  public CompletableFuture<HttpResponse> interceptAsync(Chain chain) {
    RequestInterceptor.Attempt attempt = attemptOf(chain);
    HttpRequest request = withHeaders(chain.request(), user.onRequest(attempt));
    long start = System.nanoTime();
    return chain.proceedAsync(request).handle((response, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
        if (cause instanceof Exception e) {
          failed(attempt, e, start);
        }
        throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
      }
      answered(attempt, response, start);
      return response;
    });
  }

  private static RequestInterceptor.Attempt attemptOf(Chain chain) {
    HttpRequest r = chain.request();
    HttpHeaders.Builder visible = r.headers().toBuilder();
    HIDDEN.forEach(visible::remove);
    return new RequestInterceptor.Attempt(r.method(), r.uri(), visible.build(), chain.attempt());
  }

  private static HttpRequest withHeaders(HttpRequest request, HttpHeaders extra) {
    if (extra == null || extra.isEmpty()) {
      return request;
    }
    HttpHeaders.Builder h = request.headers().toBuilder();
    for (Map.Entry<String, List<String>> e : extra.map().entrySet()) {
      h.remove(e.getKey());
      for (String v : e.getValue()) {
        h.add(e.getKey(), v);
      }
    }
    return request.withHeaders(h.build());
  }

  /** Tells the interceptor; a response it refuses is closed, so that its connection is not leaked. */
  private void answered(RequestInterceptor.Attempt attempt, HttpResponse response, long start) {
    try {
      user.onResponse(attempt, response.status(), since(start));
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
  }

  private void failed(RequestInterceptor.Attempt attempt, Exception failure, long start) {
    try {
      user.onFailure(attempt, failure, since(start));
    } catch (RuntimeException e) {
      if (e != failure) {
        failure.addSuppressed(e);
      }
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public String toString() {
    return "UserLink[" + user + "]";
  }
}
