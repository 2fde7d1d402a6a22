package ai.backend.client.testsupport;

import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportException;
import ai.backend.client.port.WebSocketConnector;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** In-memory transport: records every request and answers from a script, in order. */
public final class FakeTransport implements HttpTransport {
  private final List<HttpRequest> requests = new ArrayList<>();
  private final Deque<Function<HttpRequest, HttpResponse>> script = new ArrayDeque<>();
  private final AtomicInteger openResponses = new AtomicInteger();
  private boolean closed;

  public synchronized FakeTransport respond(
      int status, String contentType, String body, String... headers) {
    script.add(r -> response(status, contentType, body, headers));
    return this;
  }

  /** Answers with a body read from {@code body} (e.g. one that never ends). */
  public synchronized FakeTransport respondStream(
      int status, String contentType, InputStream body) {
    script.add(r -> response(status, contentType, body));
    return this;
  }

  public synchronized FakeTransport json(int status, String body, String... headers) {
    return respond(status, "application/json", body, headers);
  }

  public synchronized FakeTransport fail(TransportException.Kind kind) {
    script.add(r -> {
      throw new TransportException(kind, kind + " (fake)", null);
    });
    return this;
  }

  public synchronized List<HttpRequest> requests() {
    return List.copyOf(requests);
  }

  public int openResponses() {
    return openResponses.get();
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public synchronized HttpResponse execute(HttpRequest request) {
    requests.add(request);
    Function<HttpRequest, HttpResponse> next = script.poll();
    if (next == null) {
      throw new AssertionError("unexpected request " + request.method() + " " + request.uri());
    }
    return next.apply(request);
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request) {
    try {
      return CompletableFuture.completedFuture(execute(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public WebSocketConnector webSockets() {
    throw new UnsupportedOperationException("no WebSockets in the fake");
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public void close() {
    closed = true;
  }

  private HttpResponse response(int status, String contentType, String body, String... headers) {
    return response(
        status,
        contentType,
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
        headers);
  }

  private HttpResponse response(int status, String contentType, InputStream in, String... headers) {
    HttpHeaders.Builder h = HttpHeaders.builder();
    if (contentType != null) {
      h.set("Content-Type", contentType);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    HttpHeaders hs = h.build();
    openResponses.incrementAndGet();
    return new HttpResponse() {
      private boolean done;

      @Override
      public int status() {
        return status;
      }

      @Override
      public HttpHeaders headers() {
        return hs;
      }

      @Override
      public InputStream body() {
        return in;
      }

      @Override
      public void close() {
        if (!done) {
          done = true;
          openResponses.decrementAndGet();
        }
      }
    };
  }
}
