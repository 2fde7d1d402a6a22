package ai.backend.client.internal;

import ai.backend.client.port.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * One link of the request pipeline (in the spirit of OkHttp's {@code Interceptor}): it may change the
 * request, call the rest of the chain any number of times, and look at what comes back. A link has a
 * blocking and a non-blocking path so that async calls never park a thread on a retry or a sign.
 */
interface Interceptor {

  /** Handles the request of {@code chain}, usually by calling {@link Chain#proceed} once. */
  HttpResponse intercept(Chain chain);

  /** Non-blocking {@link #intercept}; a failure is reported through the future, never thrown. */
  CompletableFuture<HttpResponse> interceptAsync(Chain chain);
}
