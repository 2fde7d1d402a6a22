package ai.backend.client.errors;

/** The server answered with a success status, but the body could not be understood. */
public class MalformedResponseException extends BackendException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public MalformedResponseException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** HTTP status of the response. */
  public int status() {
    return status;
  }
}
