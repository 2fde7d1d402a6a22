package ai.backend.client.errors;

/** A caller-supplied value was rejected before anything was sent. */
public class InvalidArgumentException extends BackendException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(message);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
