package ai.backend.client.cli.proxy;

import ai.backend.client.internal.RawCalls;
import ai.backend.client.port.TransportException;
import ai.backend.client.port.WebSocketChannel;
import ai.backend.client.port.WebSocketListener;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;

/**
 * One client WebSocket (Jetty) relayed to one upstream WebSocket (the session's transport): messages
 * in order both ways, each sent before the next is read (so a slow side slows the other instead of
 * growing a buffer), and a close or failure of either side closes the other with its code and reason.
 * Public because Jetty binds the listener methods through method handles.
 */
public final class WebSocketRelay implements Session.Listener.AutoDemanding, WebSocketListener {
  private static final long HANDSHAKE_SECONDS = 30;

  /** Until the client's socket opens: what upstream sent meanwhile (String, ByteBuffer or Closing). */
  private final Queue<Object> early = new ArrayDeque<>();

  private WebSocketChannel upstream;
  private Session client; // guarded by early until set

  private record Closing(int code, String reason) {}

  private WebSocketRelay() {}

  /**
   * Opens the upstream WebSocket with the client's subprotocols, then answers the client's handshake
   * with the one upstream chose; a refused or failed upstream handshake is answered with its status
   * (502 when there is none) and no upgrade.
   */
  static Object open(
      RawCalls raw,
      URI upstreamUri,
      ServerUpgradeRequest request,
      ServerUpgradeResponse response,
      org.eclipse.jetty.util.Callback callback) {
    WebSocketRelay relay = new WebSocketRelay();
    CompletableFuture<WebSocketChannel> opening =
        raw.openWebSocket(upstreamUri, request.getSubProtocols(), relay);
    try {
      relay.upstream = opening.get(HANDSHAKE_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      opening.cancel(true);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      int status =
          e.getCause() instanceof TransportException te && te.status() > 0 ? te.status() : 502;
      String message = status == 502 ? "The proxy target server is inaccessible." : null;
      org.eclipse.jetty.server.Response.writeError(request, response, callback, status, message);
      return null;
    }
    if (!relay.upstream.subprotocol().isEmpty()) {
      response.setAcceptedSubProtocol(relay.upstream.subprotocol());
    }
    return relay;
  }

  // --- client side (Jetty) -------------------------------------------------------------------

  @Override
  public void onWebSocketOpen(Session session) {
    synchronized (early) {
      client = session;
      for (Object o; (o = early.poll()) != null; ) {
        toClient(o); // in order; Jetty queues the frames
      }
    }
  }

  @Override
  public void onWebSocketText(String text) {
    await(upstream.sendText(text));
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    await(upstream.sendBinary(payload)); // Jetty keeps the payload until the callback
    callback.succeed();
  }

  @Override
  public void onWebSocketClose(int code, String reason, Callback callback) {
    if (code == StatusCode.NO_CLOSE || code == StatusCode.FAILED_TLS_HANDSHAKE) {
      upstream.abort(); // no close frame came: the connection broke
    } else {
      closeUpstream(code, reason);
    }
    callback.succeed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    closeUpstream(StatusCode.SHUTDOWN, "client failed");
  }

  /** Closes upstream with the client's code, or 1000 when the transport may not send that one. */
  private void closeUpstream(int code, String reason) {
    if (!upstream.isOpen()) {
      return;
    }
    String r = reason == null ? "" : reason;
    int c = code == StatusCode.NO_CODE ? StatusCode.NORMAL : code;
    upstream.close(c, r).exceptionally(t -> {
      upstream.close(StatusCode.NORMAL, r).exceptionally(u -> null);
      return null;
    });
  }

  /** Waits for a send upstream: the client's next message is read only after it. */
  private void await(CompletableFuture<Void> send) {
    try {
      send.get();
    } catch (ExecutionException e) {
      client.close(StatusCode.SERVER_ERROR, "upstream send failed", Callback.NOOP);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.disconnect();
    }
  }

  // --- upstream side (the session's transport) ---------------------------------------------------

  @Override
  public void onText(WebSocketChannel channel, String text) {
    deliver(text);
  }

  @Override
  public void onBinary(WebSocketChannel channel, ByteBuffer data) {
    deliver(data);
  }

  @Override
  public void onClose(WebSocketChannel channel, int code, String reason) {
    deliver(new Closing(code, reason));
  }

  @Override
  public void onError(WebSocketChannel channel, Throwable error) {
    deliver(new Closing(StatusCode.SERVER_ERROR, "upstream failed"));
  }

  private void deliver(Object message) {
    Callback.Completable sent;
    synchronized (early) {
      if (client == null) {
        early.add(message);
        return;
      }
      sent = toClient(message);
    }
    try {
      sent.get(); // the transport delivers upstream's next message only after this returns
    } catch (ExecutionException e) {
      closeUpstream(StatusCode.SHUTDOWN, "client failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      upstream.abort();
    }
  }

  private Callback.Completable toClient(Object message) {
    Callback.Completable sent = new Callback.Completable();
    if (message instanceof String text) {
      client.sendText(text, sent);
    } else if (message instanceof ByteBuffer data) {
      client.sendBinary(data, sent);
    } else if (message instanceof Closing c) {
      if (c.code() == StatusCode.NO_CLOSE) {
        client.disconnect();
        sent.succeed();
      } else {
        client.close(c.code(), c.reason(), sent);
      }
    }
    return sent;
  }
}
