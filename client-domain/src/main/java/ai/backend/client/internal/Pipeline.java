package ai.backend.client.internal;

import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Links in order, then the transport: what {@link ApiCore} assembles once and sends every request through. */
record Pipeline(List<Interceptor> links, HttpTransport transport) {
  Pipeline {
    links = List.copyOf(links);
  }

  HttpResponse execute(HttpRequest request, boolean retryable, long deadline) {
    return start(request, retryable, deadline).proceed(request);
  }

  CompletableFuture<HttpResponse> executeAsync(
      HttpRequest request, boolean retryable, long deadline) {
    return start(request, retryable, deadline).proceedAsync(request);
  }

  private Chain start(HttpRequest request, boolean retryable, long deadline) {
    return Chain.start(links, transport, request, retryable, deadline);
  }
}
