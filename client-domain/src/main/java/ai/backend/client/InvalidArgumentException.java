package ai.backend.client;

/** A caller-supplied value was rejected before anything was sent. */
public class InvalidArgumentException extends BackendClientException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(message);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
