package ai.backend.client.transport.apache;

import ai.backend.client.port.TransportException;
import ai.backend.client.port.TransportException.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;

/** Translates Apache HttpClient failures to {@link TransportException} kinds. */
final class ApacheErrors {
  private ApacheErrors() {}

  static TransportException map(Throwable t, String what) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TransportException te) {
      return te;
    }
    if (t instanceof CancellationException
        || t instanceof InterruptedException
        || t.getClass().getName().endsWith("RequestFailedException")) {
      return new TransportException(Kind.CANCELLED, what + " cancelled", t);
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UnknownHostException) {
        return new TransportException(Kind.UNKNOWN_HOST, what + ": unknown host", t);
      }
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectTimeoutException) {
        return new TransportException(Kind.CONNECT_TIMEOUT, what + ": connect timed out", t);
      }
      if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
        return new TransportException(Kind.CONNECT, what + ": cannot connect", t);
      }
      if (c instanceof SocketTimeoutException) {
        return new TransportException(Kind.READ_TIMEOUT, what + ": response timed out", t);
      }
      if (c instanceof SSLException) {
        return new TransportException(Kind.TLS, what + ": TLS failure: " + c.getMessage(), t);
      }
    }
    return new TransportException(Kind.IO, what + ": " + t, t);
  }
}
