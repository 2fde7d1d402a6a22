package ai.backend.client.port.websocket;

import ai.backend.client.port.TransportException;
import ai.backend.client.port.TransportException.Kind;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/** Maps JDK WebSocket failures to {@link TransportException}. */
final class WsErrors {
  private WsErrors() {}

  static TransportException map(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TransportException te) {
      return te;
    }
    if (t instanceof WebSocketHandshakeException h) {
      int status = h.getResponse() == null ? -1 : h.getResponse().statusCode();
      return new TransportException(
          Kind.WEBSOCKET_HANDSHAKE, "WebSocket handshake refused (HTTP " + status + ")", h, status);
    }
    if (t instanceof CancellationException) {
      return new TransportException(Kind.CANCELLED, "WebSocket connect cancelled", t);
    }
    if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("closed")) {
      return new TransportException(Kind.CLOSED, "WebSocket output closed", t);
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
        return new TransportException(Kind.UNKNOWN_HOST, "WebSocket connect: unknown host", t);
      }
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpConnectTimeoutException) {
        return new TransportException(Kind.CONNECT_TIMEOUT, "WebSocket connect timed out", t);
      }
      if (c instanceof HttpTimeoutException) {
        return new TransportException(Kind.READ_TIMEOUT, "WebSocket timed out", t);
      }
      if (c instanceof ConnectException) {
        return new TransportException(Kind.CONNECT, "WebSocket connection refused", t);
      }
      if (c instanceof SSLException) {
        return new TransportException(Kind.TLS, "WebSocket TLS failure: " + c.getMessage(), t);
      }
    }
    return new TransportException(Kind.IO, "WebSocket I/O failure: " + t, t);
  }
}
