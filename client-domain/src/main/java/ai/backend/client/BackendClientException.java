package ai.backend.client;

import ai.backend.client.port.TransportException;
import java.util.Optional;

/**
 * No usable answer came back (connection refused, timeout, TLS or I/O failure; the cause is then the
 * transport's {@link TransportException}), or the client refused to send the request (see {@link
 * InvalidArgumentException} and {@link ConfigurationException}).
 */
public class BackendClientException extends BackendException {
  private static final long serialVersionUID = 1L;

  public BackendClientException(String message) {
    super(message);
  }

  public BackendClientException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The transport failure kind when this wraps a {@link TransportException}. */
  public Optional<TransportException.Kind> transportKind() {
    return getCause() instanceof TransportException te ? Optional.of(te.kind()) : Optional.empty();
  }
}
