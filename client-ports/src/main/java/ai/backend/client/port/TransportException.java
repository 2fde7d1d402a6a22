package ai.backend.client.port;

/**
 * The transport got no (complete) answer: connection refused, timeout, TLS failure, I/O error or
 * cancellation. HTTP error statuses are not transport exceptions.
 */
public class TransportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarsely; the domain decides what is retryable from it. */
  public enum Kind {
    /** The connection was refused or the host is unreachable. */
    CONNECT,
    /** The host name did not resolve; retrying will not help, so it is not retried. */
    UNKNOWN_HOST,
    CONNECT_TIMEOUT,
    /** No response headers, or no body bytes, within the per-read idle timeout. */
    READ_TIMEOUT,
    /** The whole call outlasted its deadline (enforced by the domain, not the transport). */
    CALL_TIMEOUT,
    TLS,
    IO,
    CANCELLED,
    WEBSOCKET_HANDSHAKE,
    CLOSED
  }

  private final Kind kind;
  private final int status;
  private volatile int attempts = 1;

  public TransportException(Kind kind, String message, Throwable cause) {
    this(kind, message, cause, -1);
  }

  public TransportException(Kind kind, String message, Throwable cause, int status) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
  }

  public Kind kind() {
    return kind;
  }

  /** How many times the request was sent before this failure ended it (1 unless it was retried). */
  public int attempts() {
    return attempts;
  }

  /**
   * Records how many attempts ended in this failure; set by the retry stage when it gives up, so the
   * final message can say the request was retried.
   */
  public TransportException recordAttempts(int attempts) {
    this.attempts = Math.max(1, attempts);
    return this;
  }

  /** HTTP status of a refused WebSocket upgrade, or -1. */
  public int status() {
    return status;
  }
}
