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
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Requests the API classes do not model, sent through a session's pipeline (common headers, the
 * embedder's interceptors, signing, logging): the CLI's {@code proxy} forwards what it receives this
 * way instead of signing by itself. Not for applications: the public API covers what they need.
 */
public final class RawCalls {
  private final ApiCore core;

  private RawCalls(ApiCore core) {
    this.core = core;
  }

  /** The raw calls of {@code session}; they share its pipeline and its life. */
  public static RawCalls of(Session session) {
    Objects.requireNonNull(session, "session");
    return new RawCalls(coreOf(session));
  }

  /**
   * The session's core, through its package-private accessor: a private lookup is granted because
   * this class is in the same module as {@link Session} (or both are on the class path), so neither a
   * public accessor nor a static hook is needed. Only the proxy gets here, once per run.
   */
  private static ApiCore coreOf(Session session) {
    MethodHandle core;
    try {
      core = MethodHandles.privateLookupIn(Session.class, MethodHandles.lookup())
          .findVirtual(Session.class, "core", MethodType.methodType(ApiCore.class));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Session.core() is not reachable from RawCalls", e);
    }
    try {
      return (ApiCore) core.invokeExact(session);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e); // core() declares no checked exception
    }
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
