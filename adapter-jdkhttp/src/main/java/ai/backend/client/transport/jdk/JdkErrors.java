package ai.backend.client.transport.jdk;

import ai.backend.client.port.TransportException;
import ai.backend.client.port.TransportException.Kind;
import java.net.ConnectException;
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
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TransportException te) {
      return te;
    }
    if (t instanceof CancellationException || t instanceof InterruptedException) {
      return new TransportException(Kind.CANCELLED, what + " cancelled", t);
    }
    // the JDK sometimes wraps the telling exception, so look down the cause chain
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpConnectTimeoutException) {
        return new TransportException(Kind.CONNECT_TIMEOUT, what + ": connect timed out", t);
      }
      if (c instanceof HttpTimeoutException) {
        return new TransportException(Kind.READ_TIMEOUT, what + ": response timed out", t);
      }
      if (c instanceof ConnectException || c instanceof UnresolvedAddressException) {
        return new TransportException(Kind.CONNECT, what + ": cannot connect", t);
      }
      if (c instanceof SSLException) {
        return new TransportException(Kind.TLS, what + ": TLS failure: " + c.getMessage(), t);
      }
    }
    return new TransportException(Kind.IO, what + ": " + t, t);
  }
}
