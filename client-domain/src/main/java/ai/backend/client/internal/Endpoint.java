package ai.backend.client.internal;

import java.util.Objects;

/**
 * One API call as data: the request and how to read its answer. The wire classes build these once, so
 * the blocking and the future-returning API send exactly the same call ({@link ApiCore#call(Endpoint)},
 * {@link ApiCore#callAsync(Endpoint)}).
 */
public record Endpoint<T>(ApiRequest request, ResponseHandler<T> handler) {
  public Endpoint {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
  }
}
