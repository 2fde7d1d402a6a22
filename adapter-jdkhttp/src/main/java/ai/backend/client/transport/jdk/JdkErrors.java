package ai.backend.client.transport.jdk;

import ai.backend.client.port.TransportException;
import ai.backend.client.port.TransportException.Kind;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/** Translates {@code java.net.http} failures to {@link TransportException} kinds. */
final class JdkErrors {
  private JdkErrors() {}

  static TransportException map(Throwable t, String what) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TransportException te) {
      return te;
    }
    if (t instanceof CancellationException || t instanceof InterruptedException) {
      return new TransportException(Kind.CANCELLED, what + " cancelled", t);
    }
    // the JDK wraps an unresolved host in a ConnectException: look for it first
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
        return new TransportException(Kind.UNKNOWN_HOST, what + ": unknown host", t);
      }
    }
    // the JDK sometimes wraps the telling exception, so look down the cause chain
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpConnectTimeoutException) {
        return new TransportException(Kind.CONNECT_TIMEOUT, what + ": connect timed out", t);
      }
      if (c instanceof HttpTimeoutException) {
        return new TransportException(Kind.READ_TIMEOUT, what + ": response timed out", t);
      }
      if (c instanceof ConnectException) {
        return new TransportException(Kind.CONNECT, what + ": cannot connect", t);
      }
      if (c instanceof SSLException) {
        return new TransportException(Kind.TLS, what + ": TLS failure: " + c.getMessage(), t);
      }
    }
    return new TransportException(Kind.IO, what + ": " + t, t);
  }

  /**
   * Whether {@code t} says the connection ended before any byte of the response arrived: the
   * server closed (or reset) a pooled keep-alive connection as the request went out. A timeout, a
   * refused connection or a TLS failure is not that.
   */
  static boolean closedBeforeResponse(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TransportException
        || t instanceof CancellationException
        || t instanceof InterruptedException) {
      return false;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpTimeoutException
          || c instanceof ConnectException
          || c instanceof SSLException
          || c instanceof UnresolvedAddressException
          || c instanceof UnknownHostException) {
        return false;
      }
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (c instanceof EOFException
          || c.getClass().getName().endsWith(".ConnectionExpiredException")
          || m.contains("received no bytes")
          || m.contains("Connection reset")
          || m.contains("Broken pipe")) {
        return true;
      }
    }
    return false;
  }
}
