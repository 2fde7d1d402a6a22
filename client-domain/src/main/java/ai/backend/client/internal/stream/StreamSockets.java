package ai.backend.client.internal.stream;

import ai.backend.client.errors.BackendIoException;
import ai.backend.client.internal.ApiCore;
import ai.backend.client.internal.ApiRequest;
import ai.backend.client.internal.ComputeSessionWire;
import ai.backend.client.internal.Dialect;
import ai.backend.client.internal.ErrorMapper;
import ai.backend.client.internal.Json;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.TransportException;
import ai.backend.client.port.WebSocketChannel;
import ai.backend.client.port.WebSocketListener;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Opens the signed WebSockets of spec §8 and turns handshake failures into the SDK's exceptions. */
public final class StreamSockets {
  private StreamSockets() {}

  /** {@code /stream/kernel/<name>/<action>} (v4) or {@code /stream/session/<name>/<action>} (v5+). */
  public static String path(Dialect d, String name, String action) {
    return "/stream/" + ComputeSessionWire.path(d, name, action);
  }

  /** A name for a stream's delivery thread ({@code backendai-<kind>-<session>}). */
  static String threadName(String kind, String session) {
    return "backendai-" + kind + "-" + session;
  }

  /** Connects; a refused upgrade fails with the exception a plain request with that status would get. */
  public static CompletableFuture<WebSocketChannel> open(
      ApiCore core, String path, List<ApiRequest.QueryParam> query, WebSocketListener listener) {
    URI uri;
    HttpHeaders headers;
    try {
      uri = core.webSocketUri(path, query);
      headers = core.signedWebSocketHeaders(uri);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<WebSocketChannel> result = new CompletableFuture<>();
    core.webSockets().connect(uri, headers, listener).whenComplete((ch, error) -> {
      if (error == null) {
        if (!result.complete(ch)) {
          ch.abort(); // the caller gave up (cancelled) while the handshake was going on
        }
        return;
      }
      result.completeExceptionally(mapFailure(path, uri, error));
    });
    return result;
  }

  static RuntimeException mapFailure(String path, URI uri, Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof TransportException te) {
      if (te.status() > 0) {
        // the JDK WebSocket client does not expose the refusal's body: describe the status instead
        String title =
            switch (te.status()) {
              case 401, 403 ->
                "the server refused the stream: authentication failed or access denied";
              case 404 -> "not found: the session, or the service or stream route it was asked for";
              case 429 -> "rate limit exceeded";
              default -> "the server refused the WebSocket upgrade";
            };
        byte[] body = Json.write(java.util.Map.of("title", title))
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new ErrorMapper(Clock.systemUTC())
            .map("GET", path, te.status(), HttpHeaders.empty(), body);
      }
      return ErrorMapper.noAnswer("GET", uri, te);
    }
    if (e instanceof RuntimeException re
        && e instanceof ai.backend.client.errors.BackendException) {
      return re;
    }
    return new BackendIoException("WebSocket to " + path + " failed: " + e, e);
  }
}
