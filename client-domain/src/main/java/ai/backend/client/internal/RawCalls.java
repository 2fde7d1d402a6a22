package ai.backend.client.internal;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import ai.backend.client.Session;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.RequestBody;
import ai.backend.client.port.WebSocketChannel;
import ai.backend.client.port.WebSocketListener;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Requests the API classes do not model, sent through a session's pipeline (common headers, the
 * embedder's interceptors, signing, logging): the CLI's {@code proxy} forwards what it receives this
 * way instead of signing by itself. Not for applications: the public API covers what they need.
 */
public final class RawCalls {
  private static volatile Function<Session, ApiCore> cores;

  private final ApiCore core;

  private RawCalls(ApiCore core) {
    this.core = core;
  }

  /**
   * How this package reaches the core of a session, whose accessor is package-private: set once, by
   * {@link Session}'s class initializer (so before any session exists); later calls are ignored.
   */
  public static synchronized void bind(Function<Session, ApiCore> access) {
    if (cores == null) {
      cores = Objects.requireNonNull(access, "access");
    }
  }

  /** The raw calls of {@code session}; they share its pipeline and its life. */
  public static RawCalls of(Session session) {
    Objects.requireNonNull(session, "session");
    return new RawCalls(cores.apply(session));
  }

  public Config config() {
    return core.config();
  }

  /** The version sent in {@code X-BackendAI-Version} (and signed). */
  public ApiVersion apiVersion() {
    return core.apiVersion();
  }

  /**
   * Sends the request once (never retried: the body may be a one-shot stream) with the common headers,
   * signed unless the configuration is anonymous, and returns the response whatever its status. The
   * caller closes it.
   *
   * @param uri an absolute URI, normally under the configured endpoint
   * @param headers headers to send; the common ones ({@code User-Agent}, version, domain) replace theirs
   * @throws BackendIoException when no answer came back
   */
  public HttpResponse send(String method, URI uri, HttpHeaders headers, RequestBody body) {
    return core.sendRaw(method, uri, headers, body);
  }

  /**
   * Opens a WebSocket to {@code wsUri} through the session's transport with the signed handshake
   * (common headers, date, signature), offering {@code subprotocols} (none when empty); the channel
   * reports the one the server chose. Fails with the transport's exception when the handshake fails.
   */
  public CompletableFuture<WebSocketChannel> openWebSocket(
      URI wsUri, List<String> subprotocols, WebSocketListener listener) {
    HttpHeaders.Builder h = core.signedWebSocketHeaders(wsUri).toBuilder();
    if (!subprotocols.isEmpty()) {
      h.set("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
    }
    return core.webSockets().connect(wsUri, h.build(), listener);
  }
}
