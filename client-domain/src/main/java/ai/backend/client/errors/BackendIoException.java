package ai.backend.client.errors;

import ai.backend.client.port.TransportException;
import java.util.Optional;

/**
 * No usable answer came back: the connection was refused or the host unknown, TLS failed, the
 * connection broke, or a timeout ended the call. The cause is then the transport's {@link
 * TransportException} and {@link #transportKind()} tells which. Argument, configuration and wait
 * errors are not of this type: catching it catches network failures only.
 */
public class BackendIoException extends BackendException {
  private static final long serialVersionUID = 1L;

  public BackendIoException(String message) {
    super(message);
  }

  public BackendIoException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The transport failure kind when this wraps a {@link TransportException}. */
  public Optional<TransportException.Kind> transportKind() {
    return getCause() instanceof TransportException te ? Optional.of(te.kind()) : Optional.empty();
  }
}
